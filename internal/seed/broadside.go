package seed

import (
	"strings"
	"time"

	"github.com/broadside/broadside"
)

// BroadsideComments turns the discussion into the flat rows Broadside stores: IDs 1, 2, …
// in page order, ParentID from ParentRef, every comment approved, CreatedAt one minute apart
// from start in page order (so oldest-first order is page order), email
// "<slug of author>@example.invalid" (RFC 2606: can never be delivered), Kind "comment".
// Placeholders for lost comments are included, so that replies keep their parents.
func (d *Discussion) BroadsideComments(postID int64, start time.Time) []broadside.Comment {
	ids := make(map[string]int64, len(d.Comments))
	out := make([]broadside.Comment, len(d.Comments))
	for i, c := range d.Comments {
		id := int64(i + 1)
		ids[c.Ref] = id
		out[i] = broadside.Comment{
			ID:          id,
			PostID:      postID,
			ParentID:    ids[c.ParentRef], // parents come first in page order; 0 for ""
			Kind:        broadside.KindComment,
			AuthorName:  c.Author,
			AuthorEmail: emailSlug(c.Author) + "@example.invalid",
			RawBody:     c.Body,
			Status:      broadside.CommentApproved,
			CreatedAt:   start.Add(time.Duration(i) * time.Minute),
		}
	}
	return out
}

// emailSlug makes a local part from a name: lowercase ASCII letters and digits, other runs
// of characters become one hyphen ("Reader (not in capture)" -> "reader-not-in-capture").
func emailSlug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "reader"
	}
	return b.String()
}
