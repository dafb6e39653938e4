package web_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
)

// TestCommentAvatars: by default the discussion, the moderation queue and the REST API show
// avatars Broadside draws itself, and no page carries gravatar.com, the commenter's address
// or its MD5; with Gravatar switched on in Settings → Discussion they carry Gravatar's URL
// (MD5, identicon) as WordPress does; a remote commenter's own avatar is shown as it is.
func TestCommentAvatars(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ctx := context.Background()
	admin := ta.user("admin@example.com", broadside.RoleAdmin)
	p := ta.publish(admin, "Avatars", "Body.")
	const email = "Reader.One@Example.org"
	sum := md5.Sum([]byte(strings.ToLower(email)))
	hash := hex.EncodeToString(sum[:])
	c := &broadside.Comment{PostID: p.ID, AuthorName: `Ann "><svg onload=alert(1)> Lee`, AuthorEmail: email,
		RawBody: "Hello.", Status: broadside.CommentApproved, CreatedAt: ta.Clock.Now().Add(-time.Minute)}
	remote := &broadside.Comment{PostID: p.ID, AuthorName: "Remote", AuthorEmail: "remote@social.example",
		AvatarURL: "https://social.example/avatars/remote.png", RawBody: "From afar.",
		Status: broadside.CommentApproved, CreatedAt: ta.Clock.Now().Add(-time.Minute)}
	for _, x := range []*broadside.Comment{c, remote} {
		if err := ta.App.Store.CreateComment(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	noLeak := func(where, body string) {
		t.Helper()
		for _, leak := range []string{"gravatar.com", hash, strings.ToLower(email)} {
			if strings.Contains(strings.ToLower(body), leak) {
				t.Errorf("%s contains %q", where, leak)
			}
		}
	}

	pg := ta.browser().get(ta.postPath(p))
	noLeak("the post page", pg.Body)
	doc := parseHTML(t, pg.Body)
	var src string
	for _, li := range []string{"comment-" + strconv.FormatInt(c.ID, 10), "comment-" + strconv.FormatInt(remote.ID, 10)} {
		imgs := find(byID(doc, li), func(n *html.Node) bool { return n.Data == "img" && hasClass(n, "avatar") })
		if len(imgs) != 1 {
			t.Fatalf("%s: %d avatars", li, len(imgs))
		}
		img := imgs[0]
		if attr(img, "alt") != "" || attr(img, "width") != "32" || attr(img, "height") != "32" ||
			attr(img, "referrerpolicy") != "no-referrer" {
			t.Errorf("%s: avatar attributes alt=%q width=%q height=%q referrerpolicy=%q", li, attr(img, "alt"),
				attr(img, "width"), attr(img, "height"), attr(img, "referrerpolicy"))
		}
		if src == "" {
			src = attr(img, "src")
		} else if got := attr(img, "src"); got != remote.AvatarURL {
			t.Errorf("remote commenter's avatar = %q", got)
		}
	}
	if !strings.HasPrefix(src, "/avatar/") || !strings.HasSuffix(src, "-AL.svg") {
		t.Fatalf("generated avatar src = %q", src)
	}

	// The drawing: SVG, cached for good, locked down, holding only the initials.
	svg := ta.browser().get(src)
	if svg.StatusCode != 200 || svg.Header.Get("Content-Type") != "image/svg+xml" ||
		!strings.Contains(svg.Header.Get("Cache-Control"), "immutable") ||
		!strings.Contains(svg.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("GET %s: %d %v", src, svg.StatusCode, svg.Header)
	}
	if !strings.Contains(svg.Body, ">AL</text>") || strings.Contains(svg.Body, "onload") || strings.Contains(svg.Body, "script") {
		t.Errorf("avatar SVG = %s", svg.Body)
	}
	for _, bad := range []string{"/avatar/nothex-AB.svg", "/avatar/0123456789abcdef-%3Cscript%3E.svg", "/avatar/0123456789abcdef-ABC.svg"} {
		if r := ta.browser().get(bad); r.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", bad, r.StatusCode)
		}
	}

	// The moderation queue shows the same avatar.
	q := ta.signIn(admin).get("/admin/comments?status=approved")
	if !strings.Contains(q.Body, `src="`+src+`"`) {
		t.Errorf("the moderation queue lacks the avatar %s", src)
	}

	// The REST API: WordPress's three sizes, absolute.
	code, v := ta.api(nil, "GET", "/wp/v2/comments/"+strconv.FormatInt(c.ID, 10), nil)
	if code != 200 {
		t.Fatalf("GET comment: %d %v", code, v)
	}
	urls, _ := v.(map[string]any)["author_avatar_urls"].(map[string]any)
	for _, size := range []string{"24", "48", "96"} {
		u, _ := urls[size].(string)
		if !strings.HasPrefix(u, "http") || !strings.HasSuffix(u, src) {
			t.Errorf("author_avatar_urls[%s] = %q, want the absolute %s", size, u, src)
		}
	}
	if len(urls) != 3 {
		t.Errorf("author_avatar_urls = %v", urls)
	}
	_, list := ta.api(nil, "GET", "/wp/v2/comments?post="+strconv.FormatInt(p.ID, 10), nil)
	rawJSON, _ := json.Marshal(list)
	raw := string(rawJSON)
	noLeak("the REST comments", raw)

	// Opting in to Gravatar.
	set, err := ta.App.Settings.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set.Discussion.Gravatar = true
	if err := ta.App.Settings.Save(ctx, set, admin); err != nil {
		t.Fatal(err)
	}
	pg = ta.browser().get(ta.postPath(p))
	if want := "https://secure.gravatar.com/avatar/" + hash + "?s=32&amp;d=identicon&amp;r=g"; !strings.Contains(pg.Body, want) {
		t.Errorf("with Gravatar on, the page lacks %s", want)
	}
	if !strings.Contains(pg.Body, remote.AvatarURL) {
		t.Error("with Gravatar on, the remote commenter lost their own avatar")
	}
	_, v = ta.api(nil, "GET", "/wp/v2/comments/"+strconv.FormatInt(c.ID, 10), nil)
	urls, _ = v.(map[string]any)["author_avatar_urls"].(map[string]any)
	if u, _ := urls["96"].(string); u != "https://secure.gravatar.com/avatar/"+hash+"?s=96&d=identicon&r=g" {
		t.Errorf("author_avatar_urls[96] with Gravatar on = %q", u)
	}
	if !strings.Contains(ta.signIn(admin).get("/admin/settings").Body, `name="gravatar" value="on" checked`) {
		t.Error("the settings form does not show Gravatar switched on")
	}
}
