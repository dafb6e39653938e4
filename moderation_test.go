package broadside

import (
	"strings"
	"testing"
	"time"
)

func TestCountLinks(t *testing.T) {
	tests := []struct {
		body string
		want int
	}{
		{"", 0},
		{"no links here", 0},
		{"Buy cheap viagra at http://spam.example", 1},
		{"see https://a.example and http://b.example", 2},
		{`<a href="http://a.example">a</a>`, 1},
		{`<a href='https://a.example'>a</a> <a href=http://b.example>b</a>`, 2},
		{`<a HREF = "//cdn.example/x">x</a>`, 1},
		{"protocol-relative //c.example", 1},
		{"HTTPS://LOUD.EXAMPLE", 1},
		{"http://a.example/http://b.example", 2},
		{"ftp://files.example", 1}, // the "//" counts, as in WordPress
		{"a // comment", 1},
		{"www.example.com without a scheme", 0},
	}
	for _, tt := range tests {
		if got := CountLinks(tt.body); got != tt.want {
			t.Errorf("CountLinks(%q) = %d, want %d", tt.body, got, tt.want)
		}
	}
}

func TestMatchWordList(t *testing.T) {
	c := &Comment{
		AuthorName:  "Cheap Pills",
		AuthorEmail: "seller@ViAgRa-shop.example",
		AuthorURL:   "https://casino.example/win",
		RawBody:     "Great post! Visit my site for free money.",
		AuthorIP:    "192.168.1.77",
		UserAgent:   "Mozilla/5.0 (compatible; EvilBot/2.1)",
	}
	tests := []struct {
		name, list  string
		word, field string
		ok          bool
	}{
		{"empty list", "", "", "", false},
		{"blank lines only", "\n  \n\t\n", "", "", false},
		{"name", "pills", "pills", "name", true},
		{"email, obfuscated case", "viagra", "viagra", "email", true},
		{"url", "casino", "casino", "URL", true},
		{"body", "free money", "free money", "comment", true},
		{"user agent", "evilbot", "evilbot", "user agent", true},
		{"trimmed entries, skipped blanks", "\n   \n  MONEY  \n", "MONEY", "comment", true},
		{"first entry in list order wins", "nothing\nmoney\npills", "money", "comment", true},
		{"fields in WordPress order", "e", "e", "name", true},
		{"no match", "cialis\nloans", "", "", false},
		{"IP exact", "192.168.1.77", "192.168.1.77", "IP", true},
		{"IP prefix with dot", "192.168.1.", "192.168.1.", "IP", true},
		{"IP prefix at boundary", "192.168", "192.168", "IP", true},
		{"IP not a longer octet", "192.168.1.7", "", "", false},
		{"IP not a substring in the middle", "168.1.77", "", "", false},
		{"IP in a list", "10.0.0.1\n192.168.1.77\n", "192.168.1.77", "IP", true},
		{"CIDR contains", "192.168.0.0/16", "192.168.0.0/16", "IP", true},
		{"CIDR does not contain", "10.0.0.0/8", "", "", false},
		{"version number is not the IP", "5.0", "5.0", "user agent", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			word, field, ok := MatchWordList(tt.list, c)
			if word != tt.word || field != tt.field || ok != tt.ok {
				t.Fatalf("got %q %q %v, want %q %q %v", word, field, ok, tt.word, tt.field, tt.ok)
			}
		})
	}

	// An IP-looking entry still matches an address pasted into the body.
	c2 := &Comment{RawBody: "my server is 10.0.0.12", AuthorIP: "203.0.113.9"}
	if w, f, ok := MatchWordList("10.0.0.1", c2); !ok || f != "comment" || w != "10.0.0.1" {
		t.Fatalf("IP word in body: %q %q %v", w, f, ok)
	}
	// IPv6 prefix and CIDR.
	c6 := &Comment{AuthorIP: "2001:db8:85a3::8a2e:370:7334"}
	if _, f, ok := MatchWordList("2001:DB8:", c6); !ok || f != "IP" {
		t.Fatal("IPv6 prefix")
	}
	if _, f, ok := MatchWordList("2001:db8::/32", c6); !ok || f != "IP" {
		t.Fatal("IPv6 CIDR")
	}
	if _, _, ok := MatchWordList("2001:db9:", c6); ok {
		t.Fatal("IPv6 other prefix matched")
	}
	// IPv4-mapped IPv6 addresses are caught by IPv4 CIDRs.
	if _, _, ok := MatchWordList("198.51.100.0/24", &Comment{AuthorIP: "::ffff:198.51.100.4"}); !ok {
		t.Fatal("mapped address")
	}
	if _, _, ok := MatchWordList("x", nil); ok {
		t.Fatal("nil comment matched")
	}
}

func TestModerate(t *testing.T) {
	base := DefaultSettings().Discussion // hold_unless_prior, MaxLinks 2
	withD := func(f func(*Discussion)) Discussion {
		d := base
		f(&d)
		return d
	}
	ham := Comment{AuthorName: "Jane Reader", AuthorEmail: "jane@example.com", RawBody: "Thanks, a thoughtful piece.", AuthorIP: "203.0.113.5", UserAgent: "Mozilla/5.0", Kind: KindComment}
	spam := ham
	spam.RawBody = "Buy cheap ViAgRa at http://spam.example http://b.example http://c.example"
	links := func(n int) Comment {
		c := ham
		c.RawBody = "See " + strings.Repeat("https://x.example ", n)
		return c
	}
	noEmail := ham
	noEmail.AuthorEmail = ""
	ping := ham
	ping.Kind = KindPingback

	tests := []struct {
		name       string
		c          Comment
		d          Discussion
		prior      bool
		privileged bool
		want       CommentStatus
		reason     string
	}{
		{"prior author, publish", ham, base, true, false, CommentApproved, ""},
		{"first comment held", ham, base, false, false, CommentPending, "first comment from this author"},
		{"publish mode approves strangers", ham, withD(func(d *Discussion) { d.ModerationMode = ModeratePublish }), false, false, CommentApproved, ""},
		{"hold all holds regulars", ham, withD(func(d *Discussion) { d.ModerationMode = ModerateHoldAll }), true, false, CommentPending, "all comments are held for moderation"},
		{"privileged beats hold all", ham, withD(func(d *Discussion) { d.ModerationMode = ModerateHoldAll }), false, true, CommentApproved, "written by a moderator"},
		{"privileged beats disallowed", spam, withD(func(d *Discussion) { d.DisallowedKeys = "viagra" }), false, true, CommentApproved, "written by a moderator"},
		{"disallowed → spam", spam, withD(func(d *Discussion) { d.DisallowedKeys = "viagra" }), true, false, CommentSpam, `matched disallowed word "viagra" in comment`},
		{"disallowed beats hold all", spam, withD(func(d *Discussion) { d.DisallowedKeys = "VIAGRA"; d.ModerationMode = ModerateHoldAll }), true, false, CommentSpam, `matched disallowed word "VIAGRA" in comment`},
		{"disallowed beats moderation keys", spam, withD(func(d *Discussion) { d.DisallowedKeys = "viagra"; d.ModerationKeys = "cheap" }), true, false, CommentSpam, `matched disallowed word "viagra" in comment`},
		{"disallowed IP", ham, withD(func(d *Discussion) { d.DisallowedKeys = "198.51.100.\n203.0.113." }), true, false, CommentSpam, `matched disallowed word "203.0.113." in IP`},
		{"disallowed email", ham, withD(func(d *Discussion) { d.DisallowedKeys = "@example.com" }), true, false, CommentSpam, `matched disallowed word "@example.com" in email`},
		{"too many links", spam, base, true, false, CommentPending, "contains 3 links (limit 2)"},
		{"at the limit is fine", links(2), base, true, false, CommentApproved, ""},
		{"one over", links(3), base, true, false, CommentPending, "contains 3 links (limit 2)"},
		{"max links 0 holds any link", links(1), withD(func(d *Discussion) { d.MaxLinks = 0 }), true, false, CommentPending, "contains 1 link (limit 0)"},
		{"max links 0, no links", ham, withD(func(d *Discussion) { d.MaxLinks = 0 }), true, false, CommentApproved, ""},
		{"max links -1 disables", links(50), withD(func(d *Discussion) { d.MaxLinks = -1 }), true, false, CommentApproved, ""},
		{"hold all beats links", links(9), withD(func(d *Discussion) { d.ModerationMode = ModerateHoldAll }), true, false, CommentPending, "all comments are held for moderation"},
		{"links beat moderation keys", spam, withD(func(d *Discussion) { d.ModerationKeys = "viagra" }), true, false, CommentPending, "contains 3 links (limit 2)"},
		{"moderation word", spam, withD(func(d *Discussion) { d.ModerationKeys = "\nviagra\n"; d.MaxLinks = -1 }), true, false, CommentPending, `matched moderation word "viagra" in comment`},
		{"moderation word in email", ham, withD(func(d *Discussion) { d.ModerationKeys = "JANE@" }), true, false, CommentPending, `matched moderation word "JANE@" in email`},
		{"moderation IP", ham, withD(func(d *Discussion) { d.ModerationKeys = "203.0.113.5" }), true, false, CommentPending, `matched moderation word "203.0.113.5" in IP`},
		{"moderation IP not a longer address", ham, withD(func(d *Discussion) { d.ModerationKeys = "203.0.113.50" }), true, false, CommentApproved, ""},
		{"moderation word beats prior approval", ham, withD(func(d *Discussion) { d.ModerationKeys = "thoughtful" }), true, false, CommentPending, `matched moderation word "thoughtful" in comment`},
		{"no words, publish mode", spam, withD(func(d *Discussion) { d.ModerationMode = ModeratePublish; d.MaxLinks = -1 }), false, false, CommentApproved, ""},
		{"prior approval needs an email", noEmail, base, true, false, CommentPending, "first comment from this author"},
		{"pingbacks are never previously approved", ping, base, true, false, CommentPending, "first comment from this author"},
		{"pingback in publish mode", ping, withD(func(d *Discussion) { d.ModerationMode = ModeratePublish }), false, false, CommentApproved, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			got := Moderate(ModerationInput{Comment: &c, Discussion: tt.d, AuthorHasApproved: tt.prior, Privileged: tt.privileged})
			if got.Status != tt.want || got.Reason != tt.reason {
				t.Fatalf("got %s %q, want %s %q", got.Status, got.Reason, tt.want, tt.reason)
			}
		})
	}
	if v := Moderate(ModerationInput{Discussion: base}); v.Status != CommentPending {
		t.Fatalf("nil comment: %+v", v)
	}
}

func TestCommentsClosed(t *testing.T) {
	pub := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	post := func(open bool, typ PostType) *Post {
		return &Post{Type: typ, CommentsOpen: open, PublishedAt: pub, Status: StatusPublished}
	}
	d14 := Discussion{CloseAfterDays: 14}
	tests := []struct {
		name   string
		p      *Post
		d      Discussion
		now    time.Time
		closed bool
		reason string
	}{
		{"open", post(true, TypePost), Discussion{}, pub.AddDate(10, 0, 0), false, ""},
		{"closed on the post", post(false, TypePost), Discussion{}, pub, true, "Comments are closed."},
		{"closed on the post beats age", post(false, TypePost), d14, pub.AddDate(1, 0, 0), true, "Comments are closed."},
		{"nil post", nil, Discussion{}, pub, true, "Comments are closed."},
		{"young post", post(true, TypePost), d14, pub.Add(13 * 24 * time.Hour), false, ""},
		{"exactly 14 days", post(true, TypePost), d14, pub.Add(14 * 24 * time.Hour), false, ""},
		{"just over 14 days", post(true, TypePost), d14, pub.Add(14*24*time.Hour + time.Second), true, "Comments are closed on posts older than 14 days."},
		{"one day", post(true, TypePost), Discussion{CloseAfterDays: 1}, pub.Add(25 * time.Hour), true, "Comments are closed on posts older than 1 day."},
		{"pages never age out", post(true, TypePage), d14, pub.AddDate(5, 0, 0), false, ""},
		{"unpublished post", &Post{Type: TypePost, CommentsOpen: true}, d14, pub, false, ""},
		{"zone of now does not matter", post(true, TypePost), d14, pub.Add(15 * 24 * time.Hour).In(time.FixedZone("x", -11*3600)), true, "Comments are closed on posts older than 14 days."},
		{"huge setting does not overflow", post(true, TypePost), Discussion{CloseAfterDays: 1 << 40}, pub.AddDate(100, 0, 0), false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			closed, reason := CommentsClosed(tt.p, tt.d, tt.now)
			if closed != tt.closed || reason != tt.reason {
				t.Fatalf("got %v %q, want %v %q", closed, reason, tt.closed, tt.reason)
			}
		})
	}
}
