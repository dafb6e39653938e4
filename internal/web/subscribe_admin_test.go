package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/mail/mailtest"
)

// upload posts a file as multipart/form-data, the way the import form does.
func (b *browser) uploadFile(path, field, name string, data []byte) *response {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.ta.Srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", b.ta.Srv.URL)
	return b.do(req)
}

func TestAdminSubscribers(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv))
	admin := ta.signIn(ta.user("admin@example.org", broadside.RoleAdmin))
	editor := ta.signIn(ta.user("ed@example.org", broadside.RoleEditor))
	if r := editor.get("/admin/subscribers"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("an editor sees the subscriber list: %d", r.StatusCode)
	}
	if r := ta.browser().get("/admin/subscribers/export.csv"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a stranger exports the list: %d", r.StatusCode)
	}
	page := admin.get("/admin/subscribers")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `href="/admin/subscribers" aria-current="page"`) {
		t.Fatalf("list: %d", page.StatusCode)
	}
	doc := parseHTML(t, page.Body)
	if n := len(find(byID(doc, "growth"), func(n *html.Node) bool { return n.Data == "meter" })); n != 12 {
		t.Fatalf("growth chart has %d weeks, want 12", n)
	}

	// Add by hand: confirmed at once, or pending with a confirmation email.
	if r := admin.post("/admin/subscribers", url.Values{"email": {"hand@example.net"}, "name": {"By Hand"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", r.StatusCode, r.Body)
	}
	if r := admin.post("/admin/subscribers", url.Values{"email": {"ask@example.net"}, "confirm": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add with confirmation: %d", r.StatusCode)
	}
	if r := admin.post("/admin/subscribers", url.Values{"email": {"HAND@example.net"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "already on the list") {
		t.Fatalf("duplicate: %d", r.StatusCode)
	}
	ta.drainJobs()
	if len(srv.To("ask@example.net")) != 1 || len(srv.To("hand@example.net")) != 0 {
		t.Fatalf("mail after adding: ask %d, hand %d", len(srv.To("ask@example.net")), len(srv.To("hand@example.net")))
	}

	// Import a Mailchimp export: detect, confirm the mapping, import.
	const mc = "Email Address,First Name,Last Name,OPTIN_TIME,CONFIRM_TIME,LEID\n" +
		"mc1@example.net,Ann,One,2021-01-01 10:00:00,2021-01-01 10:05:00,1\n" +
		"mc2@example.net,Bob,Two,2021-02-01 10:00:00,,2\n" +
		"broken-address,Cy,Three,2021-03-01 10:00:00,2021-03-01 10:05:00,3\n"
	r := admin.uploadFile("/admin/subscribers/import", "file", "subscribed_members_export.csv", []byte(mc))
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `id="import-format">Mailchimp<`) {
		t.Fatalf("upload: %d\n%s", r.StatusCode, r.Body)
	}
	f := formValues(t, r.Body, "/admin/subscribers/import/commit")
	if f.Get("email_column") != "0" || f.Get("status_column") != "4" || !strings.Contains(f.Get("csv"), "mc2@example.net") {
		t.Fatalf("mapping %v", f)
	}
	r = admin.post("/admin/subscribers/import/commit", f)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Line 4:") || !strings.Contains(r.Body, "Nothing was imported") {
		t.Fatalf("import with a bad row: %d\n%s", r.StatusCode, r.Body)
	}
	f.Set("skip_invalid", "1")
	r = admin.post("/admin/subscribers/import/commit", f)
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "2</strong> added: 1 confirmed, 1 pending") {
		t.Fatalf("import: %d\n%s", r.StatusCode, r.Body)
	}
	ctx := context.Background()
	if s, _ := ta.App.Store.SubscriberByEmail(ctx, "mc2@example.net"); s.Status != broadside.SubscriberPending {
		t.Fatalf("mc2 (no CONFIRM_TIME) is %s", s.Status)
	}

	// Search and filter.
	if r := admin.get("/admin/subscribers?status=pending&q=mc"); !strings.Contains(r.Body, "mc2@example.net") || strings.Contains(r.Body, "mc1@example.net") {
		t.Fatalf("filter:\n%s", r.Body)
	}

	// Export CSV.
	r = admin.get("/admin/subscribers/export.csv")
	rows, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil || r.Header.Get("Content-Type") != "text/csv; charset=utf-8" || len(rows) != 5 {
		t.Fatalf("export: %v %q", err, rows)
	}

	// One subscriber: details, JSON export, delete.
	hand, _ := ta.App.Store.SubscriberByEmail(ctx, "hand@example.net")
	id := strconv.FormatInt(hand.ID, 10)
	if r := admin.get("/admin/subscribers/" + id); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "By Hand") {
		t.Fatalf("details: %d", r.StatusCode)
	}
	r = admin.get("/admin/subscribers/" + id + "/export.json")
	var x map[string]any
	if err := json.Unmarshal([]byte(r.Body), &x); err != nil || x["subscriber"].(map[string]any)["email"] != "hand@example.net" {
		t.Fatalf("json export: %v\n%s", err, r.Body)
	}
	if r := admin.post("/admin/subscribers/"+id+"/delete", nil); r.StatusCode == http.StatusSeeOther {
		t.Fatal("deleted without ticking the box")
	}
	if r := admin.post("/admin/subscribers/"+id+"/delete", url.Values{"sure": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.StatusCode)
	}
	if _, err := ta.App.Store.SubscriberByID(ctx, hand.ID); broadside.ErrorCode(err) != broadside.ENOTFOUND {
		t.Fatal("still there")
	}
	if r := admin.get("/admin/subscribers/" + id); r.StatusCode != http.StatusNotFound {
		t.Fatalf("details of a deleted subscriber: %d", r.StatusCode)
	}
}

// TestEditorSendsByEmail: the editor's boxes make a post subscriber-only and send it; the
// progress page counts the deliveries; saving again does not send again.
func TestEditorSendsByEmail(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv))
	ta.subscribe(srv, "reader@example.net", "")
	admin := ta.signIn(ta.user("admin@example.org", broadside.RoleAdmin))
	r := admin.get("/admin/posts/new?type=post")
	doc := parseHTML(t, r.Body)
	send := find(doc, func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == "send_newsletter" })
	if len(send) != 1 {
		t.Fatal("no send-by-email box in the editor")
	}
	if _, checked := attrOK(send[0], "checked"); !checked {
		t.Error("send by email should be ticked for a new post")
	}
	form := url.Values{"type": {"post"}, "title": {"By email"}, "body": {lockedBody}, "status": {"published"},
		"subscribers_only": {"1"}, "send_newsletter": {"1"}, "comments_open": {"1"}, "action": {"save"}}
	r = admin.post("/admin/posts/new", form)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.StatusCode, r.Body)
	}
	edit := r.Header.Get("Location")
	ta.drainJobs()
	if n := len(srv.To("reader@example.net")); n != 3 { // confirmation, welcome, newsletter
		t.Fatalf("reader has %d messages", n)
	}
	p, _ := ta.App.Posts.Get(context.Background(), mustID(t, edit))
	if !p.SubscribersOnly || !p.SendNewsletter {
		t.Fatalf("saved post: %+v", p)
	}
	page := admin.get(edit)
	if !strings.Contains(page.Body, `id="newsletter-link"`) {
		t.Fatal("the editor does not link to the newsletter's progress")
	}
	rep := admin.get("/admin/newsletters/" + strconv.FormatInt(p.ID, 10))
	if rep.StatusCode != http.StatusOK || !strings.Contains(rep.Body, `id="count-sent">1<`) || !strings.Contains(rep.Body, `id="newsletter-status">sent<`) {
		t.Fatalf("progress: %d\n%s", rep.StatusCode, rep.Body)
	}
	// Save again (the hidden field keeps the setting): nothing more is sent.
	f := formValues(t, page.Body, edit)
	f.Set("title", "By email (edited)")
	f.Set("body", lockedBody)
	f.Set("action", "save")
	f.Set("subscribers_only", "1")
	if r := admin.post(edit, f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save again: %d\n%s", r.StatusCode, r.Body)
	}
	ta.drainJobs()
	if n := len(srv.To("reader@example.net")); n != 3 {
		t.Fatalf("reader has %d messages after saving again", n)
	}
	if p, _ := ta.App.Posts.Get(context.Background(), p.ID); !p.SendNewsletter || !p.SubscribersOnly {
		t.Fatalf("saving again changed the switches: %+v", p)
	}
}

func mustID(t *testing.T, editPath string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(editPath, "/admin/posts/"), 10, 64)
	if err != nil {
		t.Fatalf("edit path %q", editPath)
	}
	return id
}
