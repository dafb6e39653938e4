// Package activitypub is the site's federation: its actors and their keys, discovery
// (WebFinger, NodeInfo, host-meta), the ActivityStreams documents of posts, and the inbox.
// Who may read a post is not decided here: the post's object comes from
// broadside.PublicBody, the one access rule every channel asks.
package activitypub

import (
	"bytes"
	"encoding/json"
	"time"
)

// JSON-LD contexts and well-known ids.
const (
	ContextAS       = "https://www.w3.org/ns/activitystreams"
	ContextSecurity = "https://w3id.org/security/v1"
	// Public is the audience "everyone" (addressing a post to it makes it public).
	Public = "https://www.w3.org/ns/activitystreams#Public"
	// ContentType is what we answer with and send; Accept negotiation also takes
	// ProfileLD, the ld+json form.
	ContentType = "application/activity+json"
	ProfileLD   = `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
)

// Context is the @context of the documents we publish: ActivityStreams, the security
// vocabulary (publicKey) and the few extensions Mastodon reads (Hashtag, sensitive,
// manuallyApprovesFollowers, featured, discoverable).
var Context = []any{ContextAS, ContextSecurity, map[string]any{
	"Hashtag":                   "as:Hashtag",
	"sensitive":                 "as:sensitive",
	"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
	"toot":                      "http://joinmastodon.org/ns#",
	"featured":                  map[string]string{"@id": "toot:featured", "@type": "@id"},
	"discoverable":              "toot:discoverable",
}}

// Kind is an object's type. JSON-LD allows an array of types; the first is taken.
type Kind string

// UnmarshalJSON accepts a string or an array of strings.
func (k *Kind) UnmarshalJSON(b []byte) error {
	var s Strings
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*k = ""
	if len(s) > 0 {
		*k = Kind(s[0])
	}
	return nil
}

// Strings is a list of ids that servers send as a single string, an array of strings, or
// objects with an id (Misskey sends {"id": …} in places); it always marshals as an array.
type Strings []string

// UnmarshalJSON accepts a string, an array of strings or objects, an object, or null.
func (s *Strings) UnmarshalJSON(b []byte) error {
	var one Ref
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("[")) {
		var many []Ref
		if err := json.Unmarshal(b, &many); err != nil {
			return err
		}
		out := make(Strings, 0, len(many))
		for _, r := range many {
			if r.ID != "" {
				out = append(out, r.ID)
			}
		}
		*s = out
		return nil
	}
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*s = nil
	if one.ID != "" {
		*s = Strings{one.ID}
	}
	return nil
}

// Has reports whether id is one of s.
func (s Strings) Has(id string) bool {
	for _, x := range s {
		if x == id {
			return true
		}
	}
	return false
}

// Ref is a link to an object: servers send the id as a string, or the object itself
// embedded (then ID is its id, Type its type and Raw the whole object, for the handler to
// decode further), or an array of either (the first is taken). It marshals as the id, or
// as Raw when an embedded object is to be sent.
type Ref struct {
	ID   string
	Type string
	Raw  json.RawMessage
}

// UnmarshalJSON accepts a string, an object with "id" (or "href", for Link objects), an
// array (the first element), or null.
func (r *Ref) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*r = Ref{}
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		return nil
	case b[0] == '"':
		return json.Unmarshal(b, &r.ID)
	case b[0] == '[':
		var many []json.RawMessage
		if err := json.Unmarshal(b, &many); err != nil {
			return err
		}
		if len(many) == 0 {
			return nil
		}
		return r.UnmarshalJSON(many[0])
	}
	var o struct {
		ID   string `json:"id"`
		Href string `json:"href"`
		Type Strings
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	r.ID = o.ID
	if r.ID == "" {
		r.ID = o.Href
	}
	if len(o.Type) > 0 {
		r.Type = o.Type[0]
	}
	r.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// MarshalJSON writes the embedded object when there is one, else the id.
func (r Ref) MarshalJSON() ([]byte, error) {
	if len(r.Raw) > 0 {
		return r.Raw, nil
	}
	return json.Marshal(r.ID)
}

// IsZero lets omitempty-aware callers skip an empty Ref (see Embed and ID).
func (r Ref) IsZero() bool { return r.ID == "" && len(r.Raw) == 0 }

// ID makes a Ref of an id.
func ID(id string) *Ref {
	if id == "" {
		return nil
	}
	return &Ref{ID: id}
}

// Embed makes a Ref that marshals as v (an object sent inside an activity).
func Embed(id string, v any) (*Ref, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &Ref{ID: id, Raw: b}, nil
}

// Time is an xsd:dateTime that unmarshals leniently: RFC 3339 with or without fractional
// seconds; anything unparsable becomes the zero time rather than failing the activity.
type Time struct{ time.Time }

// MarshalJSON writes RFC 3339 in UTC, to the second, as Mastodon does.
func (t Time) MarshalJSON() ([]byte, error) {
	return json.Marshal(t.UTC().Truncate(time.Second).Format(time.RFC3339))
}

// UnmarshalJSON parses RFC 3339; a malformed time is the zero time.
func (t *Time) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) != nil {
		t.Time = time.Time{}
		return nil
	}
	p, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		p = time.Time{}
	}
	t.Time = p
	return nil
}

// At wraps a time for a document, or nil for the zero time.
func At(t time.Time) *Time {
	if t.IsZero() {
		return nil
	}
	return &Time{t}
}
