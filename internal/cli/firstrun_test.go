package cli_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// TestDemoRunsFromAnyDirectory runs demo the way a downloaded binary is run: from a
// directory with no source tree in it. The sample is built in, so the post is loaded.
func TestDemoRunsFromAnyDirectory(t *testing.T) {
	t.Chdir(t.TempDir())
	r := run(t, "", nil, "demo", "--data", "site")
	if r.code != 0 || !strings.Contains(r.stdout, "with 31 comments") {
		t.Fatalf("demo from an empty directory: %+v", r)
	}
	st, err := store.Open(context.Background(), filepath.Join("site", "broadside.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	posts, _, err := st.ListPosts(context.Background(), broadside.PostFilter{Type: broadside.TypePost})
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 1 || !strings.Contains(posts[0].Title, "Willsman") || posts[0].Status != broadside.StatusPublished {
		t.Fatalf("the sample post is not there: %+v", posts)
	}
	if r := run(t, "", nil, "demo", "--data", "site", "--seed", "/nonexistent"); r.code != 1 || !strings.Contains(r.stderr, "--seed") {
		t.Fatalf("missing seed file: %+v", r)
	}
}

// TestUserAddPrintsTheSiteAddress: the sign-in address printed is the one saved in Settings,
// not the default listen address.
func TestUserAddPrintsTheSiteAddress(t *testing.T) {
	dir := t.TempDir()
	r := run(t, "a long enough password\n", nil, "user", "add", "--data", dir, "--email", "ann@example.org", "--password-stdin")
	if r.code != 0 || !strings.Contains(r.stdout, "Sign in at http://127.0.0.1:8080/admin/") {
		t.Fatalf("user add on a fresh site: %+v", r)
	}
	r = run(t, "a long enough password\n", map[string]string{"BROADSIDE_BASE_URL": "https://configured.example.org/"},
		"user", "add", "--data", dir, "--email", "bob@example.org", "--password-stdin")
	if r.code != 0 || !strings.Contains(r.stdout, "Sign in at https://configured.example.org/admin/") {
		t.Fatalf("user add with --base-url: %+v", r)
	}

	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "broadside.db"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := st.LoadSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set.BaseURL = "https://news.example.org"
	if err := st.SaveSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	st.Close()
	r = run(t, "a long enough password\n", nil, "user", "add", "--data", dir, "--email", "cat@example.org", "--password-stdin")
	if r.code != 0 || !strings.Contains(r.stdout, "Sign in at https://news.example.org/admin/") {
		t.Fatalf("user add does not print the address in Settings: %+v", r)
	}
}

// TestUserAddLoginCollisionSaysPassLogin: admin@… takes the login "admin" from its address;
// when an imported author already has it, the error tells the operator to pass --login.
func TestUserAddLoginCollisionSaysPassLogin(t *testing.T) {
	dir := t.TempDir()
	r := run(t, "a long enough password\n", nil, "user", "add", "--data", dir, "--email", "admin@old.example.org", "--role", "author", "--password-stdin")
	if r.code != 0 {
		t.Fatalf("first user: %+v", r)
	}
	r = run(t, "a long enough password\n", nil, "user", "add", "--data", dir, "--email", "admin@example.org", "--password-stdin")
	if r.code == 0 || !strings.Contains(r.stderr, "--login") || !strings.Contains(r.stderr, `"admin"`) {
		t.Fatalf("login collision does not say to pass --login: %+v", r)
	}
	r = run(t, "a long enough password\n", nil, "user", "add", "--data", dir, "--email", "admin@example.org", "--login", "editor-in-chief", "--password-stdin")
	if r.code != 0 {
		t.Fatalf("with --login: %+v", r)
	}
}
