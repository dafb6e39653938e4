package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
)

// formValues collects what a browser would submit from the form with the given action.
func formValues(t *testing.T, body, action string) url.Values {
	t.Helper()
	doc := parseHTML(t, body)
	forms := find(doc, func(n *html.Node) bool { return n.Data == "form" && attr(n, "action") == action })
	if len(forms) != 1 {
		t.Fatalf("%d forms posting to %s", len(forms), action)
	}
	v := url.Values{}
	for _, n := range find(forms[0], func(n *html.Node) bool {
		return n.Data == "input" || n.Data == "textarea" || n.Data == "select"
	}) {
		name := attr(n, "name")
		if name == "" {
			continue
		}
		switch {
		case n.Data == "textarea":
			v.Add(name, textContent(n))
		case n.Data == "select":
			for _, o := range find(n, func(o *html.Node) bool { return o.Data == "option" }) {
				if _, sel := attrOK(o, "selected"); sel {
					v.Add(name, attr(o, "value"))
				}
			}
		case attr(n, "type") == "checkbox" || attr(n, "type") == "radio":
			if _, on := attrOK(n, "checked"); on {
				v.Add(name, attr(n, "value"))
			}
		default:
			v.Add(name, attr(n, "value"))
		}
	}
	return v
}

// textContent is the raw text of a node (textOf collapses spaces).
func textContent(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

func TestSettingsSave(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	b := ta.signIn(ta.user("a@example.org", broadside.RoleAdmin))
	r := b.get("/admin/settings")
	wantStatus(t, r, http.StatusOK)
	f := formValues(t, r.Body, "/admin/settings")
	for _, name := range []string{"title", "tagline", "base_url", "timezone", "permalink_structure", "posts_per_page",
		"support_link_url", "support_text", "license_link_url", "moderation_mode", "max_links", "close_after_days",
		"max_depth", "comments_per_page", "max_length", "min_submit_seconds", "rate_limit_per_minute"} {
		if _, ok := f[name]; !ok {
			t.Errorf("settings form has no %q input", name)
		}
	}
	before, _ := ta.App.Settings.Load(context.Background())
	// Submitting the form unchanged changes nothing.
	wantRedirect(t, b.post("/admin/settings", f), "/admin/settings")
	if after, _ := ta.App.Settings.Load(context.Background()); !reflect.DeepEqual(before, after) {
		t.Fatalf("round trip changed settings:\n%+v\n%+v", before, after)
	}
	f.Set("title", "The Ledger")
	f.Set("timezone", "Europe/London")
	f.Set("permalink_choice", "postname")
	f.Set("support_link_url", "https://donate.example/")
	f.Del("support_enabled")
	f.Set("moderation_mode", broadside.ModerateHoldAll)
	f.Set("max_depth", " 3 ")
	f.Set("moderation_keys", "casino\r\npills")
	f.Set("newest_first", "on")
	wantRedirect(t, b.post("/admin/settings", f), "/admin/settings")
	s, _ := ta.App.Settings.Load(context.Background())
	if s.Title != "The Ledger" || s.Timezone != "Europe/London" || s.PermalinkStructure != "/%postname%/" ||
		s.Support.Enabled || s.Support.LinkURL != "https://donate.example/" || s.Discussion.ModerationMode != broadside.ModerateHoldAll ||
		s.Discussion.MaxDepth != 3 || s.Discussion.ModerationKeys != "casino\npills" || !s.Discussion.NewestFirst {
		t.Fatalf("saved settings: %+v", s)
	}
	r = b.get("/admin/settings")
	if !strings.Contains(r.Body, "Settings saved.") {
		t.Fatal("no flash")
	}
	f = formValues(t, r.Body, "/admin/settings")
	if f.Get("permalink_choice") != "postname" || f.Get("moderation_mode") != broadside.ModerateHoldAll {
		t.Fatalf("radios not checked: %v", f)
	}
	f.Set("permalink_choice", "custom")
	f.Set("permalink_structure", "/news/%year%/%postname%/")
	b.post("/admin/settings", f)
	if s, _ := ta.App.Settings.Load(context.Background()); s.PermalinkStructure != "/news/%year%/%postname%/" {
		t.Fatalf("custom structure: %q", s.PermalinkStructure)
	}
}

func TestSettingsInvalid(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	b := ta.signIn(ta.user("a@example.org", broadside.RoleAdmin))
	base := formValues(t, b.get("/admin/settings").Body, "/admin/settings")
	before, _ := ta.App.Settings.Load(context.Background())
	cases := []struct{ field, value, msg string }{
		{"title", " ", "The site needs a title."},
		{"tagline", strings.Repeat("t", 501), "tagline is too long"},
		{"base_url", "ftp://example.com", "base URL must be"},
		{"timezone", "Mars/Olympus_Mons", "Unknown time zone"},
		{"permalink_structure", "/%bogus%/", ""},
		{"posts_per_page", "0", "between 1 and 100"},
		{"posts_per_page", "ten", "Enter a whole number."},
		{"support_link_url", "donate here", "support link must be"},
		{"support_text", strings.Repeat("s", 2001), "appeal is too long"},
		{"license_link_url", "javascript:alert(1)", "notice link must be"},
		{"moderation_mode", "anything-goes", "Choose how new comments are moderated."},
		{"max_links", "-5", "between 0 and 100"},
		{"max_links", "2.5", "Enter a whole number."},
		{"close_after_days", "-1", "0 (never)"},
		{"max_depth", "11", "between 1 and 10"},
		{"max_depth", "three", "Enter a whole number."},
		{"comments_per_page", "5000", "between 0 (all) and 1000"},
		{"max_length", "0", "between 1 and 65525"},
		{"min_submit_seconds", "601", "between 0 and 600"},
		{"rate_limit_per_minute", "0", "between 1 and 1000"},
		{"rate_limit_per_minute", "", "Enter a whole number."},
	}
	for _, tc := range cases {
		t.Run(tc.field+"="+tc.value, func(t *testing.T) {
			f := url.Values{}
			for k, v := range base {
				f[k] = append([]string(nil), v...)
			}
			f.Set(tc.field, tc.value)
			if tc.field == "permalink_structure" {
				f.Set("permalink_choice", "custom")
			}
			f.Set("tagline", "Changed too") // a valid change alongside is not saved either
			if tc.field == "tagline" {
				f.Set("tagline", tc.value)
			}
			r := b.post("/admin/settings", f)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			doc := parseHTML(t, r.Body)
			ns := find(doc, func(n *html.Node) bool { return attr(n, "name") == tc.field && attr(n, "aria-invalid") == "true" })
			if len(ns) == 0 && tc.field != "moderation_mode" { // radios: the message is on the group
				t.Fatalf("no invalid %s input:\n%s", tc.field, r.Body)
			}
			errs := find(doc, func(n *html.Node) bool { return hasClass(n, "field-error") })
			found := false
			for _, e := range errs {
				if strings.Contains(textOf(e), tc.msg) {
					found = true
				}
			}
			if !found || len(errs) != 1 {
				t.Fatalf("want one field message containing %q, got %d", tc.msg, len(errs))
			}
			if len(ns) > 0 && attr(ns[0], "value") != tc.value && textContent(ns[0]) != tc.value {
				t.Fatalf("typed value not kept: %q", attr(ns[0], "value"))
			}
			if after, _ := ta.App.Settings.Load(context.Background()); !reflect.DeepEqual(before, after) {
				t.Fatal("an invalid form saved settings")
			}
		})
	}
}

func TestCategoriesAdmin(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	b := ta.signIn(ed)
	wantStatus(t, b.get("/admin/categories"), http.StatusOK)
	wantRedirect(t, b.post("/admin/categories", url.Values{"name": {"World News"}, "description": {"Abroad"}}), "/admin/categories")
	cats, _ := ta.App.Posts.Categories(context.Background())
	bySlug := func(slug string) *broadside.Category {
		for i := range cats {
			if cats[i].Slug == slug {
				return &cats[i]
			}
		}
		return nil
	}
	world := bySlug("world-news")
	if world == nil || world.Description != "Abroad" {
		t.Fatalf("category not created: %+v", cats)
	}
	wantRedirect(t, b.post("/admin/categories", url.Values{"name": {"Europe"}, "parent": {fmt.Sprint(world.ID)}}), "/admin/categories")
	cats, _ = ta.App.Posts.Categories(context.Background())
	europe := bySlug("europe")
	if europe == nil || europe.ParentID != world.ID {
		t.Fatalf("child category: %+v", europe)
	}
	p := ta.publish(ed, "Summit", "x", func(in *posts.Input) { in.CategoryIDs = []int64{europe.ID} })
	r := b.get("/admin/categories")
	doc := parseHTML(t, r.Body)
	row := byID(doc, fmt.Sprintf("cat-%d", europe.ID))
	if row == nil || !hasClass(row, "depth-1") || !strings.HasSuffix(textOf(row), "1") {
		t.Fatalf("child row (depth, post count): %v", textOf(row))
	}

	for _, tc := range []struct {
		path   string
		form   url.Values
		field  string
		substr string
	}{
		{"/admin/categories", url.Values{"name": {" "}}, "name", "A name is required."},
		{"/admin/categories", url.Values{"name": {"Dup"}, "slug": {"europe"}}, "slug", "already used"},
		{"/admin/categories", url.Values{"name": {"Orphan"}, "parent": {"99999"}}, "parent", "does not exist"},
		{fmt.Sprintf("/admin/categories/%d", world.ID), url.Values{"name": {"World"}, "parent": {fmt.Sprint(europe.ID)}}, "parent", "under itself or one of its subcategories"},
		{fmt.Sprintf("/admin/categories/%d", world.ID), url.Values{"name": {"World"}, "parent": {fmt.Sprint(world.ID)}}, "parent", "cannot be its own parent"},
		{"/admin/categories/1", url.Values{"name": {"Misc"}, "slug": {"misc"}}, "slug", "keeps its slug"},
	} {
		r := b.post(tc.path, tc.form)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, tc.substr) || !strings.Contains(r.Body, `name="`+tc.field+`"`) {
			t.Fatalf("%s %v: want %q\n%s", tc.path, tc.form, tc.substr, r.Body)
		}
	}
	if after, _ := ta.App.Posts.Categories(context.Background()); len(after) != len(cats) {
		t.Fatal("an invalid form created a category")
	}

	edit := fmt.Sprintf("/admin/categories/%d", europe.ID)
	wantStatus(t, b.get(edit), http.StatusOK)
	wantRedirect(t, b.post(edit, url.Values{"name": {"Europe & EU"}, "slug": {""}, "parent": {"0"}}), "/admin/categories")
	if c, _ := ta.App.Posts.Category(context.Background(), europe.ID); c.Name != "Europe & EU" || c.Slug != "europe" || c.ParentID != 0 {
		t.Fatalf("edited: %+v", c)
	}
	wantRedirect(t, b.post(edit+"/delete", nil), "/admin/categories")
	if _, err := ta.App.Posts.Category(context.Background(), europe.ID); broadside.ErrorCode(err) != broadside.ENOTFOUND {
		t.Fatal("not deleted")
	}
	if got, _ := ta.App.Posts.Get(context.Background(), p.ID); len(got.Categories) != 1 || got.Categories[0].Slug != broadside.DefaultCategorySlug {
		t.Fatalf("post left without the default category: %+v", got.Categories)
	}
	wantRedirect(t, b.post("/admin/categories/1/delete", nil), "/admin/categories")
	if !strings.Contains(b.get("/admin/categories").Body, "The default category cannot be deleted.") {
		t.Fatal("no message when deleting the default category")
	}
	ab := ta.signIn(ta.user("au@example.org", broadside.RoleAuthor))
	wantStatus(t, ab.post("/admin/categories", url.Values{"name": {"Sneaky"}}), http.StatusForbidden)
	wantStatus(t, ab.post(fmt.Sprintf("/admin/categories/%d/delete", world.ID), nil), http.StatusForbidden)
}

func TestUsersAdmin(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	b := ta.signIn(admin)
	r := b.get("/admin/users")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "a@example.org") {
		t.Fatal("user list")
	}
	add := url.Values{"email": {"New@Example.org"}, "display_name": {"Nia New"}, "role": {"editor"}, "password": {"long enough password"}}
	wantRedirect(t, b.post("/admin/users", add), "/admin/users")
	if _, u, err := ta.App.Auth.Login(context.Background(), "new@example.org", "long enough password", "192.0.2.50"); err != nil || u.Role != broadside.RoleEditor || u.DisplayName != "Nia New" {
		t.Fatalf("new user cannot sign in: %v %+v", err, u)
	}
	for _, tc := range []struct{ field, value, msg string }{
		{"email", "nobody", "valid email"},
		{"email", "new@example.org", "already exists"},
		{"role", "overlord", "Role must be"},
		{"password", "short", "at least 10"},
		{"login", "Not A Login!", "only lowercase"},
	} {
		f := url.Values{"email": {"other@example.org"}, "role": {"author"}, "password": {"long enough password"}}
		f.Set(tc.field, tc.value)
		r := b.post("/admin/users", f)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, tc.msg) {
			t.Fatalf("%s=%q: want %q\n%s", tc.field, tc.value, tc.msg, r.Body)
		}
	}
	if users, _ := ta.App.Users.List(context.Background()); len(users) != 2 {
		t.Fatalf("%d users", len(users))
	}
	eb := ta.signIn(ta.user("ed@example.org", broadside.RoleEditor))
	wantStatus(t, eb.get("/admin/users"), http.StatusForbidden)
	wantStatus(t, eb.post("/admin/users", url.Values{"email": {"x@example.org"}, "role": {"admin"}, "password": {"long enough password"}}), http.StatusForbidden)
	if users, _ := ta.App.Users.List(context.Background()); len(users) != 3 {
		t.Fatalf("an editor added a user: %d users", len(users))
	}
}
