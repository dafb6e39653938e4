package activitypub

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/comments"
	"github.com/broadside/broadside/internal/render"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// replies wires the fixture's inbox to a real comments service on its store, with a PostAt
// that reads the ?p=ID shortlink (the web layer's PostAt also reads permalinks; it is tested
// there), and returns the comments service.
func (f *fixture) replies(t *testing.T, now func() time.Time) *comments.Service {
	cs := &comments.Service{Store: f.st, Now: now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Settings: f.st.LoadSettings, Secret: []byte("a secret of at least sixteen bytes")}
	f.svc.Replies = cs
	f.svc.PostAt = func(ctx context.Context, ref string) (*broadside.Post, error) {
		u, err := url.Parse(ref)
		if err != nil {
			return nil, err
		}
		id, _ := strconv.ParseInt(u.Query().Get("p"), 10, 64)
		return f.st.PostByID(ctx, id)
	}
	return cs
}

// post creates a published post open for comments, edited by edit first.
func (f *fixture) post(t *testing.T, slug string, edit func(p *broadside.Post)) *broadside.Post {
	t.Helper()
	ctx := context.Background()
	u, err := f.st.UserByLogin(ctx, "editor")
	if err != nil {
		u = &broadside.User{Email: "editor@example.org", Login: "editor", Role: broadside.RoleAdmin}
		if err := f.st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	p := &broadside.Post{Type: broadside.TypePost, AuthorID: u.ID, Title: slug, Slug: slug, BodyFormat: "markdown",
		Status: broadside.StatusPublished, PublishedAt: testNow.Add(-time.Hour), CommentsOpen: true}
	if edit != nil {
		edit(p)
	}
	if err := f.st.CreatePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fixture) shortlink(p *broadside.Post) string {
	return f.srv.URL + "/?p=" + strconv.FormatInt(p.ID, 10)
}

// noteSeq numbers the notes the tests' remote servers write; the tests run in parallel.
var noteSeq atomic.Int64

// reply sends a Create of a public Note by r's actor replying to inReplyTo, and returns the
// Note's id and the inbox's status.
func (r *remote) reply(f *fixture, inReplyTo, content string) (string, int) {
	id := r.srv.URL + "/notes/" + strconv.FormatInt(noteSeq.Add(1), 10)
	return id, r.post(f.srv.URL+"/inbox", r.create(id, r.actor(), inReplyTo, content), r.key, nil)
}

func (r *remote) create(id, author, inReplyTo, content string) Activity {
	note := Object{ID: id, Type: "Note", AttributedTo: ID(author), InReplyTo: ID(inReplyTo), Content: content,
		To: Strings{Public}, Published: At(testNow)}
	a := Activity{Context: ContextAS, ID: id + "#create", Type: "Create", Actor: ID(r.actor()), To: Strings{Public}}
	a.Object, _ = Embed(id, note)
	return a
}

func fromNote(t *testing.T, st *store.Store, id string) *broadside.Comment {
	t.Helper()
	c, err := st.CommentByRemoteID(context.Background(), id)
	if err != nil {
		t.Fatalf("no comment from %s: %v", id, err)
	}
	return c
}

// TestRemoteRepliesModeratedLikeTheForm is the moderation-rule table for fediverse replies:
// the same comment sent through the comment form and through the inbox gets the same verdict
// (first-time author held, known author approved, disallowed word, moderation word, too many
// links, ban, closed discussion, flood — per address on the form, per account in the inbox —
// and duplicate), and the access rule refuses replies to posts an anonymous reader may not
// comment on (password-protected, subscriber-only, private).
func TestRemoteRepliesModeratedLikeTheForm(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		now := clockAt(testNow)
		f := newFixture(t, dsn, now)
		cs := f.replies(t, now)
		set, _ := f.st.LoadSettings(ctx)
		set.Discussion.ModerationMode = broadside.ModerateHoldUnlessPrior
		set.Discussion.MinSubmitSeconds = 0
		set.Discussion.RateLimitPerMinute = 100
		set.Discussion.MaxLinks = 2
		set.Discussion.DisallowedKeys = "casino"
		set.Discussion.ModerationKeys = "refund"
		if err := f.st.SaveSettings(ctx, set); err != nil {
			t.Fatal(err)
		}
		const refused = broadside.CommentStatus("refused")
		// limit sets the per-minute comment limit for one row.
		limit := func(t *testing.T, n int) {
			set, _ := f.st.LoadSettings(ctx)
			set.Discussion.RateLimitPerMinute = n
			if err := f.st.SaveSettings(ctx, set); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				set.Discussion.RateLimitPerMinute = 100
				if err := f.st.SaveSettings(ctx, set); err != nil {
					t.Fatal(err)
				}
			})
		}
		type outcome struct {
			status broadside.CommentStatus
			code   int
		}
		for i, tc := range []struct {
			name    string
			known   bool // the author had a comment approved before
			body    string
			post    func(p *broadside.Post)
			setup   func(t *testing.T)
			twice   bool   // sent twice: the second is the duplicate
			second  string // a second, different comment sent right after the first
			want    broadside.CommentStatus
			wantInb int
		}{
			{name: "first-time author held", body: "Hello there", want: broadside.CommentPending},
			{name: "known author approved", known: true, body: "Me again", want: broadside.CommentApproved},
			{name: "disallowed word is spam", known: true, body: "Visit my casino", want: broadside.CommentSpam},
			{name: "moderation word held", known: true, body: "I want a refund", want: broadside.CommentPending},
			{name: "too many links held", known: true, body: "https://a.example/ https://b.example/ https://c.example/", want: broadside.CommentPending},
			{name: "banned name is spam", known: true, body: "Banned words", want: broadside.CommentSpam, setup: func(t *testing.T) {
				for _, n := range []string{"Ann Form", "Ann Remote"} {
					if err := f.st.CreateBan(ctx, &broadside.Ban{Kind: broadside.BanName, Value: n, CreatedAt: testNow}); err != nil {
						t.Fatal(err)
					}
				}
			}},
			{name: "closed discussion refused", known: true, body: "Too late", post: func(p *broadside.Post) { p.CommentsOpen = false }, want: refused, wantInb: http.StatusForbidden},
			{name: "password-protected post refused", known: true, body: "Let me in", post: func(p *broadside.Post) { p.Password = "secret" }, want: refused, wantInb: http.StatusForbidden},
			{name: "subscriber-only post refused", known: true, body: "Members only?", post: func(p *broadside.Post) { p.SubscribersOnly = true }, want: refused, wantInb: http.StatusForbidden},
			{name: "private post refused", known: true, body: "Psst", post: func(p *broadside.Post) { p.Status = broadside.StatusPrivate }, want: refused, wantInb: http.StatusNotFound},
			{name: "flood refused", body: "One", second: "Two", want: refused, wantInb: http.StatusTooManyRequests, setup: func(t *testing.T) {
				limit(t, 1)
			}},
			{name: "duplicate refused", known: true, body: "Same words", twice: true, want: refused, wantInb: http.StatusAccepted},
		} {
			ip := "198.51.100." + strconv.Itoa(i+1) // the form's limit counts per address
			t.Run(tc.name, func(t *testing.T) {
				r := newRemote(t, now)
				r.verify = f.ourKey
				key := ""
				if tc.known {
					// Each side proves an approved comment: the browser's key, the account.
					warm := f.post(t, "warm-"+strings.ReplaceAll(tc.name, " ", "-"), nil)
					res, err := cs.Submit(ctx, comments.Submission{PostID: warm.ID, Author: "Ann Form", Email: "ann@example.net",
						Body: "First", IP: ip, Via: comments.ViaForm, Stamp: cs.Stamp(warm.ID, false)})
					if err != nil {
						t.Fatal(err)
					}
					key = res.NewCommenterKey
					id, code := r.reply(f, f.shortlink(warm), "<p>First</p>")
					if code != http.StatusAccepted {
						t.Fatalf("warm-up reply: %d", code)
					}
					ids := []int64{res.Comment.ID, fromNote(t, f.st, id).ID}
					if _, err := f.st.SetCommentStatus(ctx, ids, broadside.CommentApproved); err != nil {
						t.Fatal(err)
					}
				}
				if tc.setup != nil {
					tc.setup(t)
				}
				p := f.post(t, "p-"+strings.ReplaceAll(tc.name, " ", "-"), tc.post)
				body := tc.body
				form := func() outcome {
					res, err := cs.Submit(ctx, comments.Submission{PostID: p.ID, Author: "Ann Form", Email: "ann@example.net",
						Body: body, IP: ip, Via: comments.ViaForm, Stamp: cs.Stamp(p.ID, false), CommenterKey: key})
					if err != nil {
						return outcome{status: refused}
					}
					return outcome{status: res.Comment.Status}
				}
				inbox := func() outcome {
					id, code := r.reply(f, f.shortlink(p), "<p>"+body+"</p>")
					c, err := f.st.CommentByRemoteID(ctx, id)
					if err != nil {
						return outcome{status: refused, code: code}
					}
					return outcome{status: c.Status, code: code}
				}
				gotForm, gotInbox := form(), inbox()
				if tc.twice {
					gotForm, gotInbox = form(), inbox()
				}
				if tc.second != "" {
					if gotForm.status == refused || gotInbox.status == refused {
						t.Fatalf("first comment refused: form %s, inbox %s", gotForm.status, gotInbox.status)
					}
					body = tc.second
					gotForm, gotInbox = form(), inbox()
				}
				if gotForm.status != tc.want || gotInbox.status != tc.want {
					t.Errorf("form: %s, inbox: %s; want %s for both", gotForm.status, gotInbox.status, tc.want)
				}
				if want := tc.wantInb; want != 0 && gotInbox.code != want {
					t.Errorf("inbox answered %d, want %d", gotInbox.code, want)
				}
				if tc.twice {
					all, _ := f.st.ThreadComments(ctx, p.ID, broadside.CommentStatuses, nil)
					if len(all) != 2 {
						t.Errorf("%d comments after each side sent the same words twice, want 2", len(all))
					}
				}
			})
		}
	})
}

// TestRemoteRepliesThreadAndChange: replies land under the post, under one of our comments
// (by its object id or its #comment-ID page address) and under a comment that came from the
// fediverse; the author's Update edits the comment (moderated again) and Delete removes it
// (its replies move up); another actor's Update and Delete, a Note attributed to someone
// other than the signer, and a repeated Create change nothing; a private reply is ignored.
func TestRemoteRepliesThreadAndChange(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		now := clockAt(testNow)
		f := newFixture(t, dsn, now)
		f.replies(t, now)
		set, _ := f.st.LoadSettings(ctx)
		set.Discussion.ModerationMode = broadside.ModeratePublish
		set.Discussion.ModerationKeys = "refund"
		set.Discussion.RateLimitPerMinute = 100
		if err := f.st.SaveSettings(ctx, set); err != nil {
			t.Fatal(err)
		}
		p := f.post(t, "threads", nil)
		local := &broadside.Comment{PostID: p.ID, Kind: broadside.KindComment, AuthorName: "Local", RawBody: "A local comment",
			Status: broadside.CommentApproved, CreatedAt: testNow}
		if err := f.st.CreateComment(ctx, local); err != nil {
			t.Fatal(err)
		}
		ann := newRemote(t, now)
		ann.verify = f.ourKey
		eve := newRemote(t, now)
		eve.verify = f.ourKey

		top, code := ann.reply(f, f.shortlink(p), `<p><span class="h-card"><a href="`+f.srv.URL+`/" class="u-url mention">@<span>blog</span></a></span> Top level</p>`)
		if code != http.StatusAccepted {
			t.Fatalf("reply to the post: %d", code)
		}
		c := fromNote(t, f.st, top)
		if c.PostID != p.ID || c.ParentID != 0 || c.RawBody != "Top level" || c.AuthorName != "Ann Remote" ||
			c.AuthorURL != ann.srv.URL+"/@ann" || c.AvatarURL != ann.srv.URL+"/ann.png" || c.RemoteActor != ann.actor() ||
			c.RemoteHandle != "@ann@"+Host(ann.srv.URL) || c.AuthorEmail != "" {
			t.Fatalf("comment from the fediverse = %+v", c)
		}
		for name, ref := range map[string]string{
			"object id":    CommentID(f.srv.URL, local.ID),
			"page address": f.srv.URL + "/2026/12/04/threads/#comment-" + strconv.FormatInt(local.ID, 10),
		} {
			id, code := ann.reply(f, ref, "<p>Under the local comment by "+name+"</p>")
			if c := fromNote(t, f.st, id); code != http.StatusAccepted || c.ParentID != local.ID {
				t.Errorf("reply by %s: %d, parent %d, want %d", name, code, c.ParentID, local.ID)
			}
		}
		under, _ := eve.reply(f, top, "<p>Under Ann's</p>")
		if c := fromNote(t, f.st, under); c.ParentID != fromNote(t, f.st, top).ID {
			t.Errorf("reply to a remote comment: parent %d, want %d", c.ParentID, fromNote(t, f.st, top).ID)
		}
		// Unknown targets and private notes are acknowledged and ignored.
		before, _ := f.st.ThreadComments(ctx, p.ID, broadside.CommentStatuses, nil)
		if _, code := ann.reply(f, "https://elsewhere.example/notes/1", "<p>Not for you</p>"); code != http.StatusAccepted {
			t.Errorf("reply elsewhere: %d", code)
		}
		dm := ann.create(ann.srv.URL+"/notes/dm", ann.actor(), f.shortlink(p), "<p>Only for you</p>")
		var note Object
		mustJSON(t, string(dm.Object.Raw), &note)
		note.To = Strings{ActorID(f.srv.URL, SiteActor)}
		dm.Object, _ = Embed(note.ID, note)
		if code := ann.post(f.srv.URL+"/inbox", dm, ann.key, nil); code != http.StatusAccepted {
			t.Errorf("direct message: %d", code)
		}
		// Signed by Ann, attributed to Eve: identity is proven, not asserted.
		forged := ann.create(ann.srv.URL+"/notes/forged", eve.actor(), f.shortlink(p), "<p>Eve says</p>")
		if code := ann.post(f.srv.URL+"/inbox", forged, ann.key, nil); code != http.StatusUnauthorized {
			t.Errorf("forged attributedTo: %d, want 401", code)
		}
		// Eve's Note embedded by Ann is fetched from Eve's server, where it does not exist.
		foreign := ann.create(eve.srv.URL+"/notes/404", ann.actor(), f.shortlink(p), "<p>Carried</p>")
		if code := ann.post(f.srv.URL+"/inbox", foreign, ann.key, nil); code != http.StatusBadRequest {
			t.Errorf("a Note from another server, embedded: %d, want 400", code)
		}
		// The same Create again.
		again := ann.create(top, ann.actor(), f.shortlink(p), "<p>Top level</p>")
		if code := ann.post(f.srv.URL+"/inbox", again, ann.key, nil); code != http.StatusAccepted {
			t.Errorf("repeated Create: %d", code)
		}
		after, _ := f.st.ThreadComments(ctx, p.ID, broadside.CommentStatuses, nil)
		if len(after) != len(before) {
			t.Errorf("ignored or refused replies stored %d comments", len(after)-len(before))
		}
		// A Create naming its Note by id only: the Note is fetched from its server.
		byID := ann.create(ann.srv.URL+"/notes/by-id", ann.actor(), f.shortlink(p), "<p>Fetched</p>")
		var fetched Object
		mustJSON(t, string(byID.Object.Raw), &fetched)
		ann.mu.Lock()
		ann.notes = map[string]Object{fetched.ID: fetched}
		ann.mu.Unlock()
		byID.Object = ID(fetched.ID)
		if code := ann.post(f.srv.URL+"/inbox", byID, ann.key, nil); code != http.StatusAccepted {
			t.Errorf("Create by id: %d", code)
		}
		if c := fromNote(t, f.st, fetched.ID); c.RawBody != "Fetched" || c.PostID != p.ID {
			t.Errorf("reply fetched by id = %+v", c)
		}

		update := func(r *remote, id, content string) int {
			a := r.create(id, ann.actor(), f.shortlink(p), content)
			a.Type, a.ID = "Update", id+"#update"
			return r.post(f.srv.URL+"/inbox", a, r.key, nil)
		}
		// Eve cannot edit Ann's comment: her Update carries a Note attributed to Ann.
		if code := update(eve, top, "<p>Eve was here</p>"); code == http.StatusAccepted {
			t.Errorf("another actor's Update accepted")
		}
		if c := fromNote(t, f.st, top); c.RawBody != "Top level" {
			t.Errorf("after Eve's Update: %q", c.RawBody)
		}
		if code := update(ann, top, "<p>Edited: I want a refund</p>"); code != http.StatusAccepted {
			t.Fatalf("Update: %d", code)
		}
		if c := fromNote(t, f.st, top); c.RawBody != "Edited: I want a refund" || c.Status != broadside.CommentPending {
			t.Errorf("after Ann's Update: %q %s, want the new text held (moderation word)", c.RawBody, c.Status)
		}

		del := func(r *remote, id string) int {
			a := Activity{Context: ContextAS, ID: id + "#delete", Type: "Delete", Actor: ID(r.actor())}
			a.Object, _ = Embed(id, Object{ID: id, Type: "Tombstone"})
			return r.post(f.srv.URL+"/inbox", a, r.key, nil)
		}
		if code := del(eve, top); code != http.StatusForbidden {
			t.Errorf("another actor's Delete: %d, want 403", code)
		}
		fromNote(t, f.st, top)
		if code := del(ann, top); code != http.StatusAccepted {
			t.Fatalf("Delete: %d", code)
		}
		if _, err := f.st.CommentByRemoteID(ctx, top); broadside.ErrorCode(err) != broadside.ENOTFOUND {
			t.Errorf("after Delete: %v", err)
		}
		if c := fromNote(t, f.st, under); c.ParentID != 0 {
			t.Errorf("the reply to the deleted comment has parent %d, want 0 (moved up)", c.ParentID)
		}
		if code := del(ann, top); code != http.StatusAccepted {
			t.Errorf("Delete again: %d", code)
		}
	})
}

// TestRemoteReplyHostileHTML: a Note's HTML is kept as comment markup and rendered through
// the comment sanitizer: scripts, event handlers and javascript: links never reach the page.
func TestRemoteReplyHostileHTML(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		now := clockAt(testNow)
		f := newFixture(t, dsn, now)
		f.replies(t, now)
		p := f.post(t, "hostile", nil)
		r := newRemote(t, now)
		r.verify = f.ourKey
		id, code := r.reply(f, f.shortlink(p), `<p>Hi<script>alert(1)</script> <img src=x onerror="alert(2)">`+
			`<a href="javascript:alert(3)">click</a> <b onclick="alert(4)">bold</b> &lt;i&gt;</p><p>two</p>`+
			`<a href="https://ok.example/x" onmouseover="alert(5)">fine</a> <style>p{}</style>`)
		if code != http.StatusAccepted {
			t.Fatalf("reply: %d", code)
		}
		c := fromNote(t, f.st, id)
		out := string(render.New().Comment(c.RawBody))
		for _, bad := range []string{"<script", "alert", "onerror", "onclick", "onmouseover", "javascript:", "<img", "<style", "<i>"} {
			if strings.Contains(out, bad) {
				t.Errorf("rendered reply contains %q: %s", bad, out)
			}
		}
		for _, good := range []string{"<b>bold</b>", `href="https://ok.example/x"`, "&lt;i&gt;", "<p>two"} {
			if !strings.Contains(out, good) {
				t.Errorf("rendered reply lacks %q: %s", good, out)
			}
		}
	})
}
