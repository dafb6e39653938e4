package activitypub

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// Shapes real servers send, trimmed: Mastodon's actor, a Misskey-like actor (icon array,
// url as Link objects, cc as string), Pleroma's Create with an embedded Note, Undo with an
// embedded Follow, and a Like whose object is an object.
func TestTolerantUnmarshal(t *testing.T) {
	t.Parallel()
	var m Actor
	mustJSON(t, `{"@context":["https://www.w3.org/ns/activitystreams",{"toot":"http://joinmastodon.org/ns#"}],
	"id":"https://m.example/users/ann","type":"Person","preferredUsername":"ann","name":"Ann",
	"inbox":"https://m.example/users/ann/inbox","endpoints":{"sharedInbox":"https://m.example/inbox"},
	"icon":{"type":"Image","mediaType":"image/png","url":"https://m.example/a.png"},
	"url":"https://m.example/@ann",
	"publicKey":{"id":"https://m.example/users/ann#main-key","owner":"https://m.example/users/ann","publicKeyPem":"PEM"}}`, &m)
	if m.Endpoints.SharedInbox != "https://m.example/inbox" || m.Icon[0].URL != "https://m.example/a.png" || m.URL.ID != "https://m.example/@ann" || m.PublicKey.ID != "https://m.example/users/ann#main-key" {
		t.Errorf("mastodon actor = %+v", m)
	}

	var k Actor
	mustJSON(t, `{"id":"https://k.example/users/9x","type":["Person"],"inbox":"https://k.example/users/9x/inbox",
	"icon":[{"type":"Image","url":{"type":"Link","href":"https://k.example/i.webp"}}],
	"url":[{"type":"Link","href":"https://k.example/@b"}],"publicKey":{"id":"k#1","owner":"o","publicKeyPem":"P"}}`, &k)
	if k.Icon[0].URL != "https://k.example/i.webp" || k.URL.ID != "https://k.example/@b" {
		t.Errorf("misskey-like actor = %+v (icon %+v)", k, k.Icon)
	}

	var c Activity
	mustJSON(t, `{"id":"https://p.example/activities/1","type":"Create","actor":{"id":"https://p.example/users/c","type":"Person"},
	"to":"https://www.w3.org/ns/activitystreams#Public","cc":["https://p.example/users/c/followers"],
	"object":{"id":"https://p.example/objects/1","type":"Note","content":"<p>hi</p>","inReplyTo":"https://blog.example/2026/12/04/post/",
	"published":"2026-12-04T10:11:12.345Z","tag":[{"type":"Mention","href":"https://blog.example/","name":"@site@blog.example"}],
	"attachment":[{"type":"Document","mediaType":"image/jpeg","url":"https://p.example/m.jpg","name":"a cat"}]}}`, &c)
	if c.Actor.ID != "https://p.example/users/c" || !c.To.Has(Public) || c.Object.Type != "Note" || c.Object.ID != "https://p.example/objects/1" {
		t.Fatalf("create = %+v", c)
	}
	var note Object
	mustJSON(t, string(c.Object.Raw), &note)
	if note.InReplyTo.ID != "https://blog.example/2026/12/04/post/" || note.Published.Year() != 2026 || note.Attachment[0].Name != "a cat" || note.Tag[0].Type != "Mention" {
		t.Errorf("note = %+v", note)
	}

	var u Activity
	mustJSON(t, `{"type":"Undo","actor":"https://m.example/users/ann","object":{"type":"Follow","id":"https://m.example/f/1","actor":"https://m.example/users/ann","object":"https://blog.example/ap/site"}}`, &u)
	var f Activity
	mustJSON(t, string(u.Object.Raw), &f)
	if u.Object.Type != "Follow" || f.Object.ID != "https://blog.example/ap/site" || f.Actor.ID != "https://m.example/users/ann" {
		t.Errorf("undo = %+v, follow = %+v", u, f)
	}

	var bad Object
	mustJSON(t, `{"type":"Note","published":"yesterday","to":null,"cc":[],"inReplyTo":null,"url":[]}`, &bad)
	if bad.Published == nil || !bad.Published.IsZero() || bad.InReplyTo != nil || len(bad.To) != 0 {
		t.Errorf("lenient object = %+v", bad)
	}
}

func TestMarshalShapes(t *testing.T) {
	t.Parallel()
	a := Actor{Context: Context, ID: "https://b.example/ap/site", Type: "Service", Inbox: "https://b.example/ap/site/inbox",
		Icon: Images{{Type: "Image", URL: "https://b.example/icon.png"}}, URL: ID("https://b.example/"),
		PublicKey: &PublicKey{ID: "https://b.example/ap/site#main-key", Owner: "https://b.example/ap/site", PublicKeyPem: "PEM"}}
	b, _ := json.Marshal(a)
	for _, want := range []string{`"icon":{"type":"Image","url":"https://b.example/icon.png"}`, `"url":"https://b.example/"`,
		`"manuallyApprovesFollowers":false`, `"@context":["https://www.w3.org/ns/activitystreams","https://w3id.org/security/v1",`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("actor JSON lacks %s:\n%s", want, b)
		}
	}
	obj, _ := Embed("https://b.example/p/", Object{ID: "https://b.example/p/", Type: "Article", Published: At(time.Date(2026, 12, 4, 1, 2, 3, 999, time.UTC))})
	act, _ := json.Marshal(Activity{Type: "Create", Actor: ID("https://b.example/ap/site"), Object: obj})
	if !strings.Contains(string(act), `"object":{"id":"https://b.example/p/","type":"Article","published":"2026-12-04T01:02:03Z"}`) {
		t.Errorf("create JSON = %s", act)
	}
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("unmarshal %s: %v", s, err)
	}
}

func TestLocalComment(t *testing.T) {
	t.Parallel()
	base := "https://blog.example/news"
	for ref, want := range map[string]int64{
		CommentID(base, 42):                            42,
		base + "/2012/05/slug/#comment-7":              7,
		base + "/?p=3#comment-8":                       8,
		base + "#comment-9":                            9,
		"https://blog.example/newsroom/x/#comment-5":   0, // another site under a longer path
		"https://evil.example/2012/05/slug/#comment-7": 0,
		base + "/activitypub/comments/0":               0,
		base + "/activitypub/comments/12x":             0,
		base + "/2012/05/slug/":                        0,
	} {
		if got := LocalComment(base, ref); got != want {
			t.Errorf("LocalComment(%q) = %d, want %d", ref, got, want)
		}
	}
}
