package broadside

import "testing"

func TestPublicBody(t *testing.T) {
	p := validPost()
	p.RawBody, p.RawExcerpt = "Teaser.\n\n<!--more-->\n\nThe rest.", "Hand-written."
	e := PublicBody(p)
	if e.Body != p.RawBody || !e.Full || e.Excerpt != "Hand-written." || e.Withheld != "" {
		t.Fatalf("public post exposes %+v", e)
	}

	p.SubscribersOnly = true
	e = PublicBody(p)
	if e.Body != "Teaser.\n\n" || e.Full || e.Excerpt != "Hand-written." || e.Withheld != "" {
		t.Fatalf("subscriber-only post exposes %+v", e)
	}
	p.RawBody = "No marker: all of it is for subscribers."
	e = PublicBody(p)
	if e.Body != "" || e.Full || e.Excerpt != "Hand-written." || e.Withheld == "" {
		t.Fatalf("subscriber-only post without a teaser exposes %+v", e)
	}

	p.SubscribersOnly, p.Password = false, "secret"
	e = PublicBody(p)
	if e.Body != "" || e.Full || e.Excerpt != "" || e.Withheld == "" {
		t.Fatalf("protected post exposes %+v", e)
	}
}
