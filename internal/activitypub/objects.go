package activitypub

import (
	"bytes"
	"encoding/json"
)

// Object is an Article, Note, Tombstone or other object. One struct serves them all, as
// the vocabulary overlaps almost entirely; Type says which.
type Object struct {
	Context      any      `json:"@context,omitempty"`
	ID           string   `json:"id,omitempty"`
	Type         Kind     `json:"type"`
	Name         string   `json:"name,omitempty"`
	Summary      string   `json:"summary,omitempty"`
	Content      string   `json:"content,omitempty"`
	MediaType    string   `json:"mediaType,omitempty"`
	URL          *Ref     `json:"url,omitempty"`
	AttributedTo *Ref     `json:"attributedTo,omitempty"`
	InReplyTo    *Ref     `json:"inReplyTo,omitempty"`
	To           Strings  `json:"to,omitempty"`
	Cc           Strings  `json:"cc,omitempty"`
	Published    *Time    `json:"published,omitempty"`
	Updated      *Time    `json:"updated,omitempty"`
	Deleted      *Time    `json:"deleted,omitempty"`
	FormerType   string   `json:"formerType,omitempty"`
	Sensitive    bool     `json:"sensitive,omitempty"`
	Tag          []Tag    `json:"tag,omitempty"`
	Attachment   []Image  `json:"attachment,omitempty"`
	Image        *Image   `json:"image,omitempty"`
	Replies      *Ref     `json:"replies,omitempty"`
	Source       *Source  `json:"source,omitempty"`
	ContentMap   Language `json:"contentMap,omitempty"`

	// Likes and Shares are a post's counts of likes and boosts, embedded as Mastodon does.
	Likes  *Collection `json:"likes,omitempty"`
	Shares *Collection `json:"shares,omitempty"`
}

// Language maps a language tag to a text (contentMap, nameMap).
type Language map[string]string

// Source is the text an object was written in before rendering.
type Source struct {
	Content   string `json:"content"`
	MediaType string `json:"mediaType"`
}

// Tag is a Hashtag or Mention.
type Tag struct {
	Type Kind   `json:"type"`
	Href string `json:"href,omitempty"`
	Name string `json:"name,omitempty"`
}

// Image is an Image (or Document) attachment or icon: its URL, type and alt text (name).
// Remote servers send the url as a string, a Link object or an array of them.
type Image struct {
	Type      Kind   `json:"type"`
	MediaType string `json:"mediaType,omitempty"`
	URL       string `json:"url"`
	Name      string `json:"name,omitempty"`
}

// UnmarshalJSON accepts a bare URL string too, and an url given as Link object(s).
func (im *Image) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*im = Image{Type: "Image"}
		return json.Unmarshal(b, &im.URL)
	}
	var o struct {
		Type      Strings `json:"type"`
		MediaType string  `json:"mediaType"`
		URL       Ref     `json:"url"`
		Name      string  `json:"name"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	*im = Image{MediaType: o.MediaType, URL: o.URL.ID, Name: o.Name}
	if len(o.Type) > 0 {
		im.Type = Kind(o.Type[0])
	}
	return nil
}

// Images is an icon or image field: one object, a string, or an array (Misskey and
// Pleroma send arrays); the first is the one used.
type Images []Image

// UnmarshalJSON accepts one image or an array of them.
func (is *Images) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*is = nil
		return nil
	}
	if len(b) > 0 && b[0] == '[' {
		var many []Image
		err := json.Unmarshal(b, &many)
		*is = many
		return err
	}
	var one Image
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*is = Images{one}
	return nil
}

// MarshalJSON writes a single image as an object, as Mastodon expects of icon.
func (is Images) MarshalJSON() ([]byte, error) {
	if len(is) == 1 {
		return json.Marshal(is[0])
	}
	return json.Marshal([]Image(is))
}

// Actor is a Person, Service, Group, Application or Organization.
type Actor struct {
	Context                   any        `json:"@context,omitempty"`
	ID                        string     `json:"id"`
	Type                      Kind       `json:"type"`
	PreferredUsername         string     `json:"preferredUsername,omitempty"`
	Name                      string     `json:"name,omitempty"`
	Summary                   string     `json:"summary,omitempty"`
	URL                       *Ref       `json:"url,omitempty"`
	Icon                      Images     `json:"icon,omitempty"`
	Image                     Images     `json:"image,omitempty"`
	Inbox                     string     `json:"inbox"`
	Outbox                    string     `json:"outbox,omitempty"`
	Followers                 string     `json:"followers,omitempty"`
	Following                 string     `json:"following,omitempty"`
	Featured                  string     `json:"featured,omitempty"`
	Endpoints                 *Endpoints `json:"endpoints,omitempty"`
	PublicKey                 *PublicKey `json:"publicKey,omitempty"`
	ManuallyApprovesFollowers bool       `json:"manuallyApprovesFollowers"`
	Discoverable              bool       `json:"discoverable,omitempty"`
	Published                 *Time      `json:"published,omitempty"`
}

// Endpoints carries the shared inbox.
type Endpoints struct {
	SharedInbox string `json:"sharedInbox,omitempty"`
}

// PublicKey is an actor's key for HTTP Signatures.
type PublicKey struct {
	ID           string `json:"id"`
	Owner        string `json:"owner"`
	PublicKeyPem string `json:"publicKeyPem"`
}

// Activity is Create, Update, Delete, Follow, Accept, Reject, Undo, Like or Announce.
// Object is a Ref: an id or the embedded object (Raw), decoded by the handler that needs it.
type Activity struct {
	Context   any     `json:"@context,omitempty"`
	ID        string  `json:"id,omitempty"`
	Type      Kind    `json:"type"`
	Actor     *Ref    `json:"actor,omitempty"`
	Object    *Ref    `json:"object,omitempty"`
	Target    *Ref    `json:"target,omitempty"`
	To        Strings `json:"to,omitempty"`
	Cc        Strings `json:"cc,omitempty"`
	Published *Time   `json:"published,omitempty"`
}

// Collection is an OrderedCollection or OrderedCollectionPage. TotalItems is a pointer so
// a page that does not know its total leaves it out.
type Collection struct {
	Context      any    `json:"@context,omitempty"`
	ID           string `json:"id"`
	Type         Kind   `json:"type"`
	TotalItems   *int   `json:"totalItems,omitempty"`
	First        string `json:"first,omitempty"`
	Last         string `json:"last,omitempty"`
	Next         string `json:"next,omitempty"`
	Prev         string `json:"prev,omitempty"`
	PartOf       string `json:"partOf,omitempty"`
	OrderedItems []any  `json:"orderedItems,omitempty"`
}

// Count wraps a total for Collection.TotalItems.
func Count(n int) *int { return &n }
