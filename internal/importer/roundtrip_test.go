package importer_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/importer"
	"github.com/broadside/broadside/internal/testdb"
	"github.com/broadside/broadside/internal/wxr"
)

// content is a database's content in comparable form: everything a round trip must keep.
type content struct {
	Posts       []string
	Comments    []string
	Categories  []string
	Tags        []string
	Authors     []string
	Attachments []string
}

func (e *env) content() content {
	e.t.Helper()
	var c content
	cats, err := e.st.ListCategories(e.ctx)
	must(e.t, err)
	catSlug := map[int64]string{}
	for _, x := range cats {
		catSlug[x.ID] = x.Slug
	}
	for _, x := range cats {
		c.Categories = append(c.Categories, fmt.Sprintf("%s|%s|parent=%s|%s", x.Slug, x.Name, catSlug[x.ParentID], x.Description))
	}
	tags, err := e.st.ListTags(e.ctx)
	must(e.t, err)
	for _, x := range tags {
		c.Tags = append(c.Tags, x.Slug+"|"+x.Name)
	}
	users, err := e.st.ListUsers(e.ctx)
	must(e.t, err)
	for _, u := range users {
		c.Authors = append(c.Authors, u.Login+"|"+u.Email+"|"+u.DisplayName)
	}
	posts := e.all()
	slugOf := map[int64]string{}
	for _, p := range posts {
		slugOf[p.ID] = p.Slug
	}
	for _, p := range posts {
		var cs, ts []string
		for _, x := range p.Categories {
			cs = append(cs, x.Slug)
		}
		for _, x := range p.Tags {
			ts = append(ts, x.Slug)
		}
		c.Posts = append(c.Posts, fmt.Sprintf("%d %s %s %s %q by=%s parent=%s published=%s updated=%s\nbody=%q\nexcerpt=%q pw=%q sticky=%v open=%v image=%s|%s cats=%v tags=%v count=%d appeal=%q notice=%q",
			p.ID, p.Type, p.Status, p.Slug, p.Title, p.Author.Login, slugOf[p.ParentID], p.PublishedAt.UTC().Format(time.RFC3339),
			p.UpdatedAt.UTC().Format(time.RFC3339), p.RawBody, p.RawExcerpt, p.Password, p.Sticky, p.CommentsOpen,
			p.FeaturedImageURL, p.FeaturedImageAlt, cs, ts, p.CommentCount, p.Appeal, p.Notice))
		for _, m := range e.comments(p.ID) {
			c.Comments = append(c.Comments, fmt.Sprintf("%d on %d parent=%d %s %s %q %q %q %q %s body=%q user=%d",
				m.ID, m.PostID, m.ParentID, m.Kind, m.Status, m.AuthorName, m.AuthorEmail, m.AuthorURL, m.AuthorIP,
				m.CreatedAt.UTC().Format(time.RFC3339), m.RawBody, m.UserID))
		}
	}
	as, err := e.st.ListAttachments(e.ctx, -1<<62, 1<<20)
	must(e.t, err)
	for _, a := range as {
		c.Attachments = append(c.Attachments, fmt.Sprintf("%d parent=%d %s %q %q %q %s", a.ID, a.ParentID, a.URL, a.Title, a.Alt, a.Caption, a.MimeType))
	}
	for _, s := range [][]string{c.Categories, c.Tags, c.Authors} {
		sort.Strings(s)
	}
	return c
}

func (e *env) export() []byte {
	e.t.Helper()
	var buf bytes.Buffer
	must(e.t, e.svc.Export(e.ctx, &buf))
	return buf.Bytes()
}

// TestRoundTrip: import → export → import into a fresh database gives the same content,
// on both databases, for the theme unit test data and for a site written in Broadside.
func TestRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.importFile(tutd, importer.Options{})
		first := e.content()
		out := e.export()
		path := filepath.Join(t.TempDir(), "export.xml")
		must(t, os.WriteFile(path, out, 0o644))

		// The export reads as WXR 1.2 with everything in it.
		counts := map[string]int{}
		rd := wxr.NewReader(bytes.NewReader(out))
		for {
			rec, err := rd.Next()
			if err != nil {
				if _, ok := wxr.AsError(err); ok {
					t.Fatalf("our export does not read back: %v", err)
				}
				break
			}
			counts[fmt.Sprintf("%T", rec)]++
			if w, ok := rec.(*wxr.Warning); ok {
				t.Errorf("reading our export: %v", w.Msg)
			}
		}
		if counts["*wxr.Item"] != 58+21+37 || counts["*wxr.Comment"] != 33 || counts["*wxr.Author"] != 2 {
			t.Errorf("export counts = %v", counts)
		}

		again := newEnv(t, freshDSN(t, e))
		sum, err := again.svc.ImportFile(again.ctx, path, importer.Options{})
		must(t, err)
		if sum.WarningsTotal != 0 || sum.IDsChanged != 0 {
			t.Errorf("re-importing our own export warned: %v", sum.Warnings)
		}
		second := again.content()
		if d := cmp.Diff(first, second); d != "" {
			t.Errorf("round trip changed content (-first +second):\n%s", d)
		}
	})
}

// freshDSN returns a new empty database of the same dialect as e.
func freshDSN(t *testing.T, e *env) string {
	if strings.HasPrefix(e.dsn, "postgres") {
		return testdb.Postgres(t)
	}
	return filepath.Join(t.TempDir(), "again.db")
}

// TestRoundTripNative: a site written in Broadside (Markdown, a featured image typed as a
// URL, a scheduled post, a protected page) survives export and import.
func TestRoundTripNative(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.svc.RenderMarkdown = func(s string) string { return "<p>" + s + "</p>" }
		u := &broadside.User{Email: "ann@example.com", Login: "ann", DisplayName: "Ann", Role: broadside.RoleAdmin}
		must(t, e.st.CreateUser(e.ctx, u))
		cat := &broadside.Category{Name: "News & Views", Slug: "news", Description: "All of it"}
		must(t, e.st.CreateCategory(e.ctx, cat))
		sub := &broadside.Category{Name: "Local", Slug: "local", ParentID: cat.ID}
		must(t, e.st.CreateCategory(e.ctx, sub))
		tags, err := e.st.EnsureTags(e.ctx, []string{"Go", "Élan"})
		must(t, err)
		at := time.Date(2023, 5, 6, 7, 8, 9, 0, time.UTC)
		p := &broadside.Post{Type: broadside.TypePost, AuthorID: u.ID, Title: "A *Markdown* post", Slug: "md",
			RawBody: "Hello **world**\n\n<!--more-->\n\nMore ]]> here", BodyFormat: broadside.FormatMarkdown,
			RawExcerpt: "Short", Status: broadside.StatusPublished, PublishedAt: at, CreatedAt: at, UpdatedAt: at.Add(time.Hour),
			FeaturedImageURL: "https://cdn.example/a.jpg", FeaturedImageAlt: "A thing", CommentsOpen: true, Sticky: true,
			Categories: []broadside.Category{*sub}, Tags: tags,
			Appeal: "If you can, please [click here](https://www.paypal.com/donate?id=1&x=2) <b>to help</b>.", Notice: "Reblog freely, with a link."}
		must(t, e.st.CreatePost(e.ctx, p))
		page := &broadside.Post{Type: broadside.TypePage, AuthorID: u.ID, Title: "Secret", Slug: "secret",
			RawBody: "<p>Hidden</p>", BodyFormat: broadside.FormatHTML, Status: broadside.StatusPrivate, Password: "enter",
			PublishedAt: at, CreatedAt: at, UpdatedAt: at}
		must(t, e.st.CreatePost(e.ctx, page))
		later := &broadside.Post{Type: broadside.TypePost, AuthorID: u.ID, Title: "Later", Slug: "later", RawBody: "<p>x</p>",
			BodyFormat: broadside.FormatHTML, Status: broadside.StatusScheduled, PublishedAt: now.AddDate(1, 0, 0),
			CreatedAt: at, UpdatedAt: at, Categories: []broadside.Category{*cat}}
		must(t, e.st.CreatePost(e.ctx, later))
		c1 := &broadside.Comment{PostID: p.ID, AuthorName: "Bob", AuthorEmail: "bob@example.org", RawBody: "First\n\nsecond para",
			Status: broadside.CommentApproved, CreatedAt: at.Add(2 * time.Hour), AuthorIP: "192.0.2.9"}
		must(t, e.st.CreateComment(e.ctx, c1))
		for _, st := range []broadside.CommentStatus{broadside.CommentPending, broadside.CommentSpam, broadside.CommentTrash} {
			must(t, e.st.CreateComment(e.ctx, &broadside.Comment{PostID: p.ID, ParentID: c1.ID, AuthorName: string(st),
				RawBody: "reply " + string(st), Status: st, CreatedAt: at.Add(3 * time.Hour)}))
		}
		must(t, e.st.CreateComment(e.ctx, &broadside.Comment{PostID: p.ID, Kind: broadside.KindPingback, AuthorName: "Other blog",
			AuthorURL: "https://other.example/post", RawBody: "[…] linked […]", Status: broadside.CommentApproved, CreatedAt: at.Add(4 * time.Hour)}))
		first := e.content()
		out := e.export()
		if !bytes.Contains(out, []byte("<p>Hello **world**\n\n</p><!--more--><p>\n\nMore ]]]]><![CDATA[> here</p>")) {
			t.Errorf("the Markdown post's HTML for WordPress is missing or its more marker lost:\n%s", out)
		}
		if !bytes.Contains(out, []byte("<wp:meta_key><![CDATA[_broadside_appeal]]></wp:meta_key>")) {
			t.Errorf("the post's own appeal is not in the export as postmeta:\n%s", out)
		}
		path := filepath.Join(t.TempDir(), "export.xml")
		must(t, os.WriteFile(path, out, 0o644))
		again := newEnv(t, freshDSN(t, e))
		must(t, again.st.CreateUser(again.ctx, &broadside.User{Email: "ann@example.com", Login: "ann", DisplayName: "Ann", Role: broadside.RoleAdmin}))
		sum, err := again.svc.ImportFile(again.ctx, path, importer.Options{})
		must(t, err)
		if sum.Authors.Existing != 1 || sum.Posts.New != 2 || sum.Pages.New != 1 || sum.Pingbacks.New != 1 || sum.Comments.New != 4 {
			t.Errorf("summary = %+v", sum)
		}
		second := again.content()
		// The featured image typed as a URL travelled as an attachment (WordPress has no
		// other way to carry it) and is one now; the post still shows the same URL.
		if len(second.Attachments) != 1 || !strings.Contains(second.Attachments[0], "https://cdn.example/a.jpg") {
			t.Errorf("attachments = %v", second.Attachments)
		}
		second.Attachments = nil
		if d := cmp.Diff(first, second); d != "" {
			t.Errorf("round trip changed content (-first +second):\n%s", d)
		}
	})
}
