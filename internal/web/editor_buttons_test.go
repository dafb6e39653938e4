package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
)

// TestEditorButtonsWithoutScript: the editor's buttons say what they do, and the server acts
// on the button pressed (as a browser without JavaScript sends it, together with the Status
// control's current value), not on the Status control.
func TestEditorButtonsWithoutScript(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ctx := context.Background()
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	b := ta.signIn(admin)

	buttons := func(path string) (primary, primaryLabel, draft string) {
		t.Helper()
		doc := parseHTML(t, b.get(path).Body)
		p, d := byID(doc, "primary-action"), byID(doc, "draft-action")
		if p == nil || d == nil {
			t.Fatalf("%s: no primary or draft button", path)
		}
		return attr(p, "value"), strings.TrimSpace(textOf(p)), strings.TrimSpace(textOf(d))
	}
	if a, l, d := buttons("/admin/posts/new?type=post"); a != "publish" || l != "Publish" || d != "Save draft" {
		t.Fatalf("new post: %s %q %q", a, l, d)
	}
	r := b.get("/admin/posts/new?type=post")
	if !strings.Contains(r.Body, `data-now="`) || !strings.Contains(r.Body, "/static/editor.") {
		t.Fatal("the editor's script or its clock is missing")
	}

	save := func(path, action string, mod func(f map[string][]string)) *broadside.Post {
		t.Helper()
		f := editorForm("Button "+action, "Body.", "draft") // the Status control as a new post shows it
		f.Set("action", action)
		if mod != nil {
			mod(f)
		}
		id := idFromLocation(t, b.post(path, f))
		p, err := ta.App.Posts.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}

	// Publish, with the Status control still saying Draft.
	p := save("/admin/posts/new", "publish", nil)
	if p.Status != broadside.StatusPublished {
		t.Fatalf("Publish: %s", p.Status)
	}
	edit := fmt.Sprintf("/admin/posts/%d", p.ID)
	if a, l, d := buttons(edit); a != "update" || l != "Update" || d != "Switch to draft" {
		t.Fatalf("published post: %s %q %q", a, l, d)
	}
	// Update keeps it published (the Status control is left at Draft on purpose).
	up := save(edit, "update", func(f map[string][]string) { f["title"] = []string{"Updated title"} })
	if up.Status != broadside.StatusPublished || up.Title != "Updated title" {
		t.Fatalf("Update: %s %q", up.Status, up.Title)
	}
	// Switch to draft.
	if d := save(edit, "draft", nil); d.Status != broadside.StatusDraft {
		t.Fatalf("Switch to draft: %s", d.Status)
	}
	if a, l, d := buttons(edit); a != "publish" || l != "Publish" || d != "Save draft" {
		t.Fatalf("draft: %s %q %q", a, l, d)
	}

	// Schedule, with a date in the future.
	future := ta.Clock.Now().Add(48 * time.Hour).In(time.UTC).Format("2006-01-02T15:04")
	withDate := func(f map[string][]string) { f["published_at"] = []string{future} }
	s := save("/admin/posts/new", "schedule", withDate)
	if s.Status != broadside.StatusScheduled {
		t.Fatalf("Schedule: %s", s.Status)
	}
	sedit := fmt.Sprintf("/admin/posts/%d", s.ID)
	if a, l, _ := buttons(sedit); a != "update" || l != "Update" {
		t.Fatalf("scheduled post: %s %q", a, l)
	}
	if u := save(sedit, "update", withDate); u.Status != broadside.StatusScheduled {
		t.Fatalf("Update of a scheduled post: %s", u.Status)
	}
	// A draft with a future date offers Schedule.
	d := save("/admin/posts/new", "draft", withDate)
	if d.Status != broadside.StatusDraft {
		t.Fatalf("Save draft: %s", d.Status)
	}
	if a, l, _ := buttons(fmt.Sprintf("/admin/posts/%d", d.ID)); a != "schedule" || l != "Schedule" {
		t.Fatalf("draft dated in the future: %s %q", a, l)
	}
	// Publish with a future date schedules, as in WordPress.
	if p := save("/admin/posts/new", "publish", withDate); p.Status != broadside.StatusScheduled {
		t.Fatalf("Publish with a future date: %s", p.Status)
	}
	// The advanced Status control still works with its own button.
	if p := save("/admin/posts/new", "save", func(f map[string][]string) { f["status"] = []string{"pending"} }); p.Status != broadside.StatusPending {
		t.Fatalf("Save with this status: %s", p.Status)
	}

	// An unknown button is refused, naming it; nothing is saved.
	before := ta.postCount()
	f := editorForm("Odd", "Body.", "draft")
	f.Set("action", "frobnicate")
	r = b.post("/admin/posts/new", f)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, "Choose Publish, Schedule, Update, Save draft or Preview.") || ta.postCount() != before {
		t.Fatalf("unknown action:\n%s", r.Body)
	}
}
