package wxr

import (
	"encoding/xml"
	"strconv"
	"strings"
)

// itemChild reads one child of an <item>. Comments are handed out one by one as they are
// read, after the item itself, so an item with a hundred thousand comments still takes the
// memory of one comment.
func (r *Reader) itemChild(t xml.StartElement, pos Pos) error {
	n := t.Name
	if isWP(n, "comment") {
		if !r.itemOut {
			r.push(r.item)
			r.itemOut = true
		}
		c := &Comment{Pos: pos, ItemID: r.item.ID}
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
			r.warn(pos, "<%s> after the comments of item %d is ignored (WordPress writes comments last)", n.Local, it.ID)
		}
		return r.skip()
	}
	var err error
	var s string
	switch {
	case isRSS(n, "title"):
		it.Title, err = r.text()
	case isRSS(n, "link"):
		s, err = r.text()
		it.Link = strings.TrimSpace(s)
	case isRSS(n, "pubDate"):
		it.PubDate, err = r.text()
	case isRSS(n, "guid"):
		it.GUIDIsPermaLink = true
		for _, a := range t.Attr {
			if a.Name.Local == "isPermaLink" {
				it.GUIDIsPermaLink = strings.TrimSpace(strings.ToLower(a.Value)) != "false"
			}
		}
		s, err = r.text()
		it.GUID = strings.TrimSpace(s)
	case isRSS(n, "description"):
		it.Description, err = r.text()
	case isRSS(n, "category"):
		var domain, nicename string
		var hasNice bool
		for _, a := range t.Attr {
			switch a.Name.Local {
			case "domain":
				domain = a.Value
			case "nicename":
				nicename, hasNice = a.Value, true
			}
		}
		if s, err = r.text(); err == nil && hasNice {
			// Like WordPress, only categories with a nicename count: WXR 1.0 repeats each
			// one without it for plain RSS readers.
			if domain == "tag" {
				domain = TaxTag
			}
			it.Terms = append(it.Terms, ItemTerm{Domain: domain, Slug: nicename, Name: s})
		}
	case isNS(n, nsDC, "dc", "creator"):
		s, err = r.text()
		it.Creator = strings.TrimSpace(s)
	case isNS(n, nsContent, "content", "encoded"):
		it.Content, err = r.body()
	case isExcerpt(n):
		it.Excerpt, err = r.text()
	case isWP(n, "postmeta"):
		var m Meta
		if m, err = r.meta(); err == nil {
			it.Meta = append(it.Meta, m)
		}
	case isWP(n, ""):
		err = r.itemField(it, n.Local)
	default:
		err = r.skip()
	}
	return err
}

func (r *Reader) itemField(it *Item, local string) error {
	var err error
	var s string
	switch local {
	case "post_id":
		it.ID, err = r.int64()
	case "post_date":
		s, err = r.text()
		it.PostDate = strings.TrimSpace(s)
	case "post_date_gmt":
		s, err = r.text()
		it.PostDateGMT = strings.TrimSpace(s)
	case "post_modified":
		s, err = r.text()
		it.PostModified = strings.TrimSpace(s)
	case "post_modified_gmt":
		s, err = r.text()
		it.PostModifiedGMT = strings.TrimSpace(s)
	case "comment_status":
		s, err = r.text()
		it.CommentStatus = strings.TrimSpace(s)
	case "ping_status":
		s, err = r.text()
		it.PingStatus = strings.TrimSpace(s)
	case "post_name":
		s, err = r.text()
		it.Name = strings.TrimSpace(s)
	case "status":
		s, err = r.text()
		it.Status = strings.TrimSpace(s)
	case "post_parent":
		it.Parent, err = r.int64()
	case "menu_order":
		var n int64
		n, err = r.int64()
		it.MenuOrder = int(n)
	case "post_type":
		s, err = r.text()
		it.Type = strings.TrimSpace(s)
	case "post_password":
		it.Password, err = r.text()
	case "is_sticky":
		var n int64
		n, err = r.int64()
		it.Sticky = n != 0
	case "attachment_url":
		s, err = r.text()
		it.AttachmentURL = strings.TrimSpace(s)
	default:
		err = r.skip()
	}
	return err
}

func (r *Reader) comment(c *Comment) error {
	return r.children(func(t xml.StartElement, _ Pos) error {
		if !isWP(t.Name, "") {
			return r.skip()
		}
		var err error
		var s string
		switch t.Name.Local {
		case "comment_id":
			c.ID, err = r.int64()
		case "comment_author":
			c.Author, err = r.text()
		case "comment_author_email":
			s, err = r.text()
			c.AuthorEmail = strings.TrimSpace(s)
		case "comment_author_url":
			s, err = r.text()
			c.AuthorURL = strings.TrimSpace(s)
		case "comment_author_IP":
			s, err = r.text()
			c.AuthorIP = strings.TrimSpace(s)
		case "comment_date":
			s, err = r.text()
			c.Date = strings.TrimSpace(s)
		case "comment_date_gmt":
			s, err = r.text()
			c.DateGMT = strings.TrimSpace(s)
		case "comment_content":
			c.Content, err = r.body()
		case "comment_approved":
			s, err = r.text()
			c.Approved = strings.TrimSpace(s)
		case "comment_type":
			s, err = r.text()
			c.Type = strings.TrimSpace(s)
		case "comment_parent":
			c.Parent, err = r.int64()
		case "comment_user_id":
			c.UserID, err = r.int64()
		case "commentmeta":
			var m Meta
			if m, err = r.meta(); err == nil {
				c.Meta = append(c.Meta, m)
			}
		default:
			err = r.skip()
		}
		return err
	})
}

// itoa is strconv.FormatInt for ids.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
