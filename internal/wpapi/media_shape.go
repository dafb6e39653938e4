package wpapi

import (
	"html"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
)

// mediaObject is a file in WordPress's attachment shape for the given context.
func (q *req) mediaObject(m *broadside.Media, context string) obj {
	loc := q.loc()
	b := &builder{ctx: contextMask(context)}
	edit := b.ctx == cEdit
	src := q.site.Base() + m.URL()
	id := strconv.FormatInt(m.ID, 10)
	b.put(cAll, "id", m.ID)
	b.put(cAll, "date", wpDate(m.CreatedAt, loc))
	b.put(cVE, "date_gmt", wpDate(m.CreatedAt, time.UTC))
	guid := obj{{"rendered", html.EscapeString(src)}}
	if edit {
		guid = append(guid, kv{"raw", src})
	}
	b.put(cVE, "guid", guid)
	b.put(cVE, "modified", wpDate(m.CreatedAt, loc))
	b.put(cVE, "modified_gmt", wpDate(m.CreatedAt, time.UTC))
	slug := strings.TrimSuffix(path.Base(m.Key), path.Ext(m.Key))
	b.put(cAll, "slug", slug)
	b.put(cVE, "status", "inherit")
	b.put(cAll, "type", "attachment")
	b.put(cAll, "link", src)
	title := obj{}
	if edit {
		title = append(title, kv{"raw", m.Title})
	}
	b.put(cAll, "title", append(title, kv{"rendered", html.EscapeString(m.Title)}))
	b.put(cAll, "author", m.AuthorID)
	b.put(cVE, "featured_media", 0)
	b.put(cVE, "comment_status", "closed")
	b.put(cVE, "ping_status", "closed")
	b.put(cVE, "template", "")
	b.put(cVE, "meta", []any{})
	if edit {
		b.put(cEdit, "permalink_template", src)
		b.put(cEdit, "generated_slug", slug)
	}
	desc := obj{}
	if edit {
		desc = append(desc, kv{"raw", ""})
	}
	b.put(cVE, "description", append(desc, kv{"rendered", ""}))
	caption := obj{}
	if edit {
		caption = append(caption, kv{"raw", m.Caption})
	}
	rendered := ""
	if m.Caption != "" {
		rendered = "<p>" + html.EscapeString(m.Caption) + "</p>\n"
	}
	b.put(cAll, "caption", append(caption, kv{"rendered", rendered}))
	b.put(cAll, "alt_text", m.Alt)
	mediaType := "file"
	if m.IsImage() {
		mediaType = "image"
	}
	b.put(cAll, "media_type", mediaType)
	b.put(cAll, "mime_type", m.MimeType)
	b.put(cAll, "media_details", q.mediaDetailsObject(m))
	var post any
	if m.PostID != 0 {
		post = m.PostID
	}
	b.put(cVE, "post", post)
	b.put(cAll, "source_url", src)
	if edit {
		b.put(cEdit, "missing_image_sizes", []string{})
	}
	links := obj{
		{"self", []obj{link(q.rest(mediaRoute + "/" + id))}},
		{"collection", []obj{link(q.rest(mediaRoute))}},
		{"about", []obj{link(q.rest(Namespace + "/types/attachment"))}},
		{"author", []obj{link(q.rest(Namespace+"/users/"+strconv.FormatInt(m.AuthorID, 10)), kv{"embeddable", true})}},
	}
	return append(b.o, kv{"_links", links})
}

// mediaDetailsObject is media_details: the file's size, and for an image its pixel size and
// its resized copies (broadside.Media.Sizes) keyed by WordPress's size names, plus "full".
// A size's WebP twin is listed under its "sources", as WordPress's modern image formats do.
func (q *req) mediaDetailsObject(m *broadside.Media) obj {
	if !m.IsImage() {
		return obj{{"filesize", m.Size}, {"sizes", obj{}}}
	}
	// Group the variants by size name, keeping their order (smallest first).
	var names []string
	byName := map[string][]broadside.MediaSize{}
	for _, v := range m.Sizes {
		if byName[v.Name] == nil {
			names = append(names, v.Name)
		}
		byName[v.Name] = append(byName[v.Name], v)
	}
	sizes := obj{}
	for _, name := range names {
		vs := byName[name]
		main := 0 // the variant in the original's type is the size; the others are its sources
		for i, v := range vs {
			if v.MimeType == m.MimeType {
				main = i
			}
		}
		v := vs[main]
		e := obj{{"file", path.Base(v.Key)}, {"width", v.Width}, {"height", v.Height}, {"filesize", v.Size},
			{"mime_type", v.MimeType}, {"source_url", q.site.Base() + (&broadside.Media{Key: v.Key}).URL()}}
		if len(vs) > 1 {
			sources := obj{}
			for i, o := range vs {
				if i != main {
					sources = append(sources, kv{o.MimeType, obj{{"file", path.Base(o.Key)}, {"filesize", o.Size},
						{"source_url", q.site.Base() + (&broadside.Media{Key: o.Key}).URL()}}})
				}
			}
			e = append(e, kv{"sources", sources})
		}
		sizes = append(sizes, kv{name, e})
	}
	sizes = append(sizes, kv{"full", obj{{"file", path.Base(m.Key)}, {"width", m.Width}, {"height", m.Height},
		{"mime_type", m.MimeType}, {"source_url", q.site.Base() + m.URL()}}})
	return obj{{"width", m.Width}, {"height", m.Height}, {"file", m.Key}, {"filesize", m.Size}, {"sizes", sizes},
		{"image_meta", obj{}}}
}
