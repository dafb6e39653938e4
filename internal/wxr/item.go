package wxr

import (
	"bytes"
	"strconv"
	"strings"
)

// itemChild reads one child of an <item>. Comments are handed out one by one as they are
// read, after the item itself, so an item with a hundred thousand comments still takes the
// memory of one comment.
func (r *Reader) itemChild(pos Pos) error {
	if r.is(clsWP, "comment") {
		if !r.itemOut {
			r.push(r.item)
			r.itemOut = true
		}
		c := &r.idComment
		if !r.OnlyCommentIDs {
			c = new(Comment)
		}
		*c = Comment{Pos: pos, ItemID: r.item.ID}
		if err := r.comment(c); err != nil {
			return err
		}
		r.push(c)
		return nil
	}
	it := r.item
	if r.itemOut {
		// WordPress writes an item's comments last. Anything after them arrives too late to
		// be part of the item the caller already has.
		if !r.lateField {
			r.lateField = true
			r.warn(pos, "<%s> after the comments of item %d is ignored (WordPress writes comments last)", r.s.local, it.ID)
		}
		return r.skip()
	}
	var err error
	switch c, local := r.s.class, string(r.s.local); {
	case c == clsRSS && local == "title":
		it.Title, err = r.text()
	case c == clsRSS && local == "link":
		it.Link, err = r.trimmed()
	case c == clsRSS && local == "pubDate":
		it.PubDate, err = r.text()
	case c == clsRSS && local == "guid":
		it.GUIDIsPermaLink = true
		if v, ok := r.s.attr("isPermaLink"); ok {
			it.GUIDIsPermaLink = strings.TrimSpace(strings.ToLower(string(v))) != "false"
		}
		it.GUID, err = r.trimmed()
	case c == clsRSS && local == "description":
		it.Description, err = r.text()
	case c == clsRSS && local == "category":
		domain, _ := r.s.attr("domain")
		nicename, hasNice := r.s.attr("nicename")
		// Like WordPress, only categories with a nicename count: WXR 1.0 repeats each one
		// without it for plain RSS readers.
		t := ItemTerm{Domain: string(domain), Slug: string(nicename)}
		var s string
		if s, err = r.text(); err == nil && hasNice {
			if t.Domain == "tag" {
				t.Domain = TaxTag
			}
			t.Name = s
			it.Terms = append(it.Terms, t)
		}
	case c == clsDC && local == "creator":
		it.Creator, err = r.trimmed()
	case c == clsContent && local == "encoded":
		it.Content, err = r.body()
	case c == clsExcerpt && local == "encoded":
		it.Excerpt, err = r.text()
	case c == clsWP && local == "postmeta":
		var m Meta
		if m, err = r.meta(); err == nil {
			it.Meta = append(it.Meta, m)
		}
	case c == clsWP:
		err = r.itemField(it)
	default:
		err = r.skip()
	}
	return err
}

func (r *Reader) itemField(it *Item) error {
	var err error
	switch string(r.s.local) {
	case "post_id":
		it.ID, err = r.int64()
	case "post_date":
		it.PostDate, err = r.trimmed()
	case "post_date_gmt":
		it.PostDateGMT, err = r.trimmed()
	case "post_modified":
		it.PostModified, err = r.trimmed()
	case "post_modified_gmt":
		it.PostModifiedGMT, err = r.trimmed()
	case "comment_status":
		it.CommentStatus, err = r.word()
	case "ping_status":
		it.PingStatus, err = r.word()
	case "post_name":
		it.Name, err = r.trimmed()
	case "status":
		it.Status, err = r.word()
	case "post_parent":
		it.Parent, err = r.int64()
	case "menu_order":
		var n int64
		n, err = r.int64()
		it.MenuOrder = int(n)
	case "post_type":
		it.Type, err = r.word()
	case "post_password":
		it.Password, err = r.text()
	case "is_sticky":
		var n int64
		n, err = r.int64()
		it.Sticky = n != 0
	case "attachment_url":
		it.AttachmentURL, err = r.trimmed()
	default:
		err = r.skip()
	}
	return err
}

func (r *Reader) comment(c *Comment) error {
	r.cbuf, r.cspans = r.cbuf[:0], r.cspans[:0]
	err := r.children(func(Pos) error {
		if r.s.class != clsWP {
			return r.skip()
		}
		f := r.fieldNamed(r.s.local)
		switch {
		case f == nil:
			return r.skip()
		case r.OnlyCommentIDs && f.text:
			_, err := r.readText(false) // checked as text always is, kept by nobody
			return err
		}
		return f.read(r, c)
	})
	if err != nil {
		return err
	}
	// One string for all the comment's text, instead of one for each field.
	all := string(r.cbuf)
	for _, sp := range r.cspans {
		*sp.dst = all[sp.start:sp.end]
	}
	clear(r.cspans)
	if cap(r.cbuf) > 1<<20 { // let a huge comment's buffer go
		r.cbuf = nil
	}
	return nil
}

// cspan is where a comment field's text is in Reader.cbuf.
type cspan struct {
	dst        *string
	start, end int
}

// commentField reads a comment's text field into cbuf, its white space trimmed when trim is
// set, kept only when keep is: text, trimmed or body for a comment.
func (r *Reader) commentField(dst *string, trim, keep bool) error {
	start := len(r.cbuf)
	var err error
	if r.cbuf, err = r.appendText(r.cbuf, keep); err != nil {
		return err
	}
	end := len(r.cbuf)
	if trim {
		seg := r.cbuf[start:end]
		if t := bytes.TrimSpace(seg); len(t) == 0 {
			end = start
		} else { // t is seg[i:i+len(t)], and i is how much shorter its capacity is
			start += cap(seg) - cap(t)
			end = start + len(t)
		}
	}
	r.cspans = append(r.cspans, cspan{dst: dst, start: start, end: end})
	return nil
}

// fieldNamed finds the comment field named local in commentFields, looking first after the field
// found last: a file writes every comment's fields in the same order, so the first name
// compared is nearly always the one.
func (r *Reader) fieldNamed(local []byte) *commentFieldDef {
	n := len(commentFields)
	for i := range n {
		j := (r.nextField + i) % n
		if commentFields[j].name == string(local) {
			r.nextField = (j + 1) % n
			return &commentFields[j]
		}
	}
	return nil
}

// commentFieldDef is how a comment field is read, and whether it is text, which
// OnlyCommentIDs checks as always but leaves empty.
type commentFieldDef struct {
	name string
	text bool
	read func(*Reader, *Comment) error
}

// commentFields are a comment's fields by their element's name, in the order WordPress
// writes them. One table for how each is read and whether it is text, so a new field cannot
// be read in one place and forgotten in the other.
var commentFields = []commentFieldDef{
	{"comment_id", false, func(r *Reader, c *Comment) (err error) { c.ID, err = r.int64(); return }},
	{"comment_author", true, func(r *Reader, c *Comment) error { return r.commentField(&c.Author, false, true) }},
	{"comment_author_email", true, func(r *Reader, c *Comment) error { return r.commentField(&c.AuthorEmail, true, true) }},
	{"comment_author_url", true, func(r *Reader, c *Comment) error { return r.commentField(&c.AuthorURL, true, true) }},
	{"comment_author_IP", true, func(r *Reader, c *Comment) error { return r.commentField(&c.AuthorIP, true, true) }},
	{"comment_date", true, func(r *Reader, c *Comment) error { return r.commentField(&c.Date, true, true) }},
	{"comment_date_gmt", true, func(r *Reader, c *Comment) error { return r.commentField(&c.DateGMT, true, true) }},
	{"comment_content", true, func(r *Reader, c *Comment) error { return r.commentField(&c.Content, false, !r.SkipBodies) }},
	{"comment_approved", true, func(r *Reader, c *Comment) (err error) { c.Approved, err = r.word(); return }},
	{"comment_type", true, func(r *Reader, c *Comment) (err error) { c.Type, err = r.word(); return }},
	{"comment_parent", false, func(r *Reader, c *Comment) (err error) { c.Parent, err = r.int64(); return }},
	{"comment_user_id", false, func(r *Reader, c *Comment) (err error) { c.UserID, err = r.int64(); return }},
	{"commentmeta", false, func(r *Reader, c *Comment) error {
		m, err := r.meta()
		if err == nil {
			c.Meta = append(c.Meta, m)
		}
		return err
	}},
}

// words are the values a status or type field nearly always holds: word hands these out
// without allocating a string per comment.
var words = func() map[string]string {
	m := map[string]string{}
	for _, w := range []string{"", "0", "1", "spam", "trash", "post-trashed", "comment", "pingback", "trackback",
		"open", "closed", "publish", "future", "draft", "pending", "private", "inherit",
		"post", "page", "attachment", "nav_menu_item", "revision", "wp_block"} {
		m[w] = w
	}
	return m
}()

// word is trimmed for a field of few values.
func (r *Reader) word() (string, error) {
	b, err := r.readText(true)
	b = bytes.TrimSpace(b)
	if w, ok := words[string(b)]; ok {
		return w, err
	}
	return string(b), err
}

// itoa is strconv.FormatInt for ids.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
