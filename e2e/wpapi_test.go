package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/testimg"
)

// TestWPAPIClient drives the built binary with node-wpapi, the WordPress REST API client from
// npm (pinned in e2e/wpapi/package.json, installed with `npm ci` from package-lock.json):
// discovery, list, get, _embed, search, pagination through the client's _paging, creating a
// post and a comment with an Application Password, moderation, deletion and error handling.
// Without Node or the npm registry the test is skipped, and fails under CI.
func TestWPAPIClient(t *testing.T) {
	t.Parallel()
	node, _ := nodeTools(t)
	dir := npmProject(t, "wpapi", "run.mjs")

	s := startSite(t)
	secret := appPassword(t, s.Data, "node-wpapi")

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	run := exec.CommandContext(ctx, node, "run.mjs", s.URL, "admin", secret, testimg.File(t, "willsman.jpg", 120, 80))
	run.Dir = dir
	run.Env = childEnv()
	var stdout, stderr bytes.Buffer
	run.Stdout, run.Stderr = &stdout, &stderr
	if err := run.Run(); err != nil {
		t.Fatalf("node run.mjs: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	var got map[string]map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("run.mjs printed no JSON: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	t.Logf("node-wpapi saw: %s", stdout.String())
	for step, res := range got {
		if e, failed := res["error"]; failed {
			t.Errorf("step %s failed in the client: %v", step, e)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	want := func(step, key string, v any) {
		t.Helper()
		if fmt.Sprint(got[step][key]) != fmt.Sprint(v) {
			t.Errorf("%s.%s = %v, want %v", step, key, got[step][key], v)
		}
	}
	want("discover", "endpoint", s.URL+"/wp-json/")
	want("discover", "hasPosts", true)
	want("list", "count", 1)
	want("list", "total", 1)
	want("list", "totalPages", 1)
	want("get", "type", "post")
	want("get", "status", "publish")
	want("get", "protected", false)
	if keys := fmt.Sprint(got["get"]["keys"]); keys != fmt.Sprint(postViewKeys(t)) {
		t.Errorf("a post's keys as the client sees them:\n got %s\nwant %s", keys, fmt.Sprint(postViewKeys(t)))
	}
	want("embed", "replies", 10) // WordPress embeds the first page of replies
	want("embed", "terms", "[[uncategorized] []]")
	if got["embed"]["author"] == nil {
		t.Error("no embedded author")
	}
	want("search", "none", 0)
	want("search", "ids", fmt.Sprint(got["list"]["ids"]))
	want("paging", "total", 31)
	want("paging", "totalPages", 4)
	want("paging", "page1", 10)
	want("paging", "page2", 10)
	want("paging", "overlap", 0)
	want("paging", "page2HasPrev", true)
	want("me", "slug", "admin")
	want("createPost", "status", "publish")
	want("createPost", "raw", "Posted by node-wpapi")
	// WordPress's content.rendered: the script dropped, and wpautop's trailing newline.
	want("createPost", "rendered", "<p>Hello from <em>wpapi</em></p>\n")
	want("updatePost", "publicTitle", "Updated by node-wpapi")
	want("createComment", "status", "hold")
	want("moderate", "status", "approved")
	want("deletePost", "deleted", true)
	want("uploadMedia", "type", "attachment")
	want("uploadMedia", "mediaType", "image")
	want("uploadMedia", "mime", "image/jpeg")
	want("uploadMedia", "title", "Photo from wpapi")
	want("uploadMedia", "alt", "A test photo")
	want("uploadMedia", "width", 120)
	want("uploadMedia", "height", 80)
	want("uploadMedia", "served", 200)
	want("uploadMedia", "servedType", "image/jpeg")
	want("featuredMedia", "same", true)
	want("featuredMedia", "embedded", true)
	want("updateMedia", "alt", "Changed alt")
	want("updateMedia", "caption", "A caption")
	want("listMedia", "total", 1)
	want("deleteMedia", "deleted", true)
	want("deleteMedia", "previous", true)
	want("mediaNoAuth", "code", "rest_cannot_create")
	want("mediaNoAuth", "status", 401)
	want("notFound", "code", "rest_post_invalid_id")
	want("notFound", "status", 404)
	want("noAuth", "code", "rest_cannot_create")
	want("noAuth", "status", 401)
	want("badPassword", "code", "incorrect_password")
	want("badPassword", "status", 401)
}

// nodeTools finds node and npm, or skips (fails under CI).
func nodeTools(t *testing.T) (node, npm string) {
	t.Helper()
	node, err1 := exec.LookPath("node")
	npm, err2 := exec.LookPath("npm")
	if err1 != nil || err2 != nil {
		unavailable(t, "Node.js and npm are needed to run node-wpapi (apt-get install nodejs npm)")
	}
	return node, npm
}

// unavailable skips the test loudly, or fails it when CI is set.
func unavailable(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal("CI requires the node-wpapi test: " + why)
	}
	t.Skip("SKIPPING node-wpapi TEST: " + why)
}

// appPassword creates an Application Password with the CLI and returns it (the command
// prints the secret alone on standard output).
func appPassword(t *testing.T, data, name string) string {
	t.Helper()
	cmd := broadsideCmd(t, "user", "app-password", "--data", data, "--email", adminEmail, "--name", name)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("broadside user app-password: %v\n%s", err, stderr.String())
	}
	return strings.TrimSpace(stdout.String())
}

// postViewKeys is the handbook's view-context field list of a post (testdata/wpapi).
func postViewKeys(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../testdata/wpapi/posts.json")
	if err != nil {
		t.Fatal(err)
	}
	var sc struct {
		Contexts map[string][]string `json:"contexts"`
	}
	if err := json.Unmarshal(b, &sc); err != nil {
		t.Fatal(err)
	}
	keys := append(sc.Contexts["view"], "_links")
	sort.Strings(keys)
	return keys
}
