package broadside

import (
	"testing"
	"time"
)

func TestCanReadFull(t *testing.T) {
	body := "Free part.\n\n<!--more-->\n\nPaid part."
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	open := &Post{RawBody: body, Status: StatusPublished, PublishedAt: now}
	locked := &Post{RawBody: body, SubscribersOnly: true, Status: StatusPublished, PublishedAt: now}
	sub := func(st SubscriberStatus) *Subscriber { return &Subscriber{Status: st} }
	cases := []struct {
		name string
		p    *Post
		r    Reader
		want bool
	}{
		{"ordinary post, visitor", open, Reader{}, true},
		{"subscriber-only, visitor", locked, Reader{}, false},
		{"subscriber-only, confirmed", locked, Reader{Subscriber: sub(SubscriberConfirmed)}, true},
		{"subscriber-only, pending", locked, Reader{Subscriber: sub(SubscriberPending)}, false},
		{"subscriber-only, unsubscribed", locked, Reader{Subscriber: sub(SubscriberUnsubscribed)}, false},
		{"subscriber-only, bounced", locked, Reader{Subscriber: sub(SubscriberBounced)}, false},
		{"subscriber-only, author", locked, Reader{User: &User{Role: RoleAuthor}}, true},
	}
	for _, c := range cases {
		if got := CanReadFull(c.p, c.r, now); got != c.want {
			t.Errorf("%s: CanReadFull = %v, want %v", c.name, got, c.want)
		}
		b, full := VisibleBody(c.p, c.r, now)
		if full != c.want || (full && b != body) || (!full && b != "Free part.\n\n") {
			t.Errorf("%s: VisibleBody = %q, %v", c.name, b, full)
		}
	}
}

func TestTeaser(t *testing.T) {
	for body, want := range map[string]string{
		"a<!--more-->b":              "a",
		"a<!--more Keep reading-->b": "a",
		"a<!--morebid-->b":           "",
		"no marker":                  "",
		"<!--more-->everything":      "",
	} {
		got, _ := Teaser(&Post{RawBody: body})
		if got != want {
			t.Errorf("Teaser(%q) = %q, want %q", body, got, want)
		}
	}
}
