package wpcontent

import (
	"fmt"
	"html"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Media is an attachment as Convert needs it.
type Media struct {
	ID        int64
	URL       string
	Alt       string
	Title     string
	Caption   string
	MimeType  string
	MenuOrder int
}

func (m Media) alt() string {
	if m.Alt != "" {
		return m.Alt
	}
	return m.Title
}

// Context describes the post whose content is converted.
type Context struct {
	PostID int64
	// Media returns the attachment with a WordPress id (for [gallery ids=…]).
	Media func(id int64) (Media, bool)
	// Attached returns the attachments uploaded to a post (for [gallery] without ids, and
	// [audio] and [video] without a source).
	Attached func(postID int64) []Media
}

// Result is converted content and what the conversion noticed.
type Result struct {
	HTML string
	// Unknown lists the shortcodes that were left as text because nothing here knows them
	// (a plugin's [contact-form-7 id="1"], say).
	Unknown []string
	// Notes are other things the publisher should know, such as a gallery naming an
	// attachment the export does not contain.
	Notes []string
}

// MoreMarker is the teaser separator Broadside stores.
const MoreMarker = "<!--more-->"

// knownTags are the shortcodes of WordPress core that Convert turns into HTML.
var knownTags = map[string]bool{"caption": true, "wp_caption": true, "gallery": true, "embed": true,
	"audio": true, "video": true, "playlist": true}

func known(tag string) bool { return knownTags[tag] }

var (
	reMore        = regexp.MustCompile(`<!--more(.*?)?-->`)
	reCaptionBody = regexp.MustCompile(`(?is)((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)`)
)

// Convert turns WordPress post content into the HTML WordPress would display (before its
// theme): embeds and bare media URLs become links (Broadside embeds no third-party frames),
// the text gets wpautop's paragraphs unless it is block-editor content (which WordPress
// does not autop either), and the core shortcodes become HTML. <!--more--> is kept (any
// custom "more" text is dropped): between paragraphs each side is converted on its own, as
// WordPress does for a teaser; inside an element (<h3>Code:<!--more--></h3>) it stays there
// and the text is converted whole, so the element is not cut in two.
func Convert(content string, ctx Context) Result { return scanned.convert(content, ctx) }

// pipeline is the text steps convert runs. The ones Convert uses are the hand-written
// scanners; autop_oracle_test.go runs the same convert with the regular expressions they
// replaced, so the order of the steps is written once.
type pipeline struct {
	autop         func(text string, br bool) string
	replaceInTags func(s, from, to string) string
	linkURLs      func(string) string
}

var scanned = pipeline{autop: Autop, replaceInTags: replaceInTags, linkURLs: linkURLs}

func (p pipeline) convert(content string, ctx Context) Result {
	c := &converter{ctx: ctx, pipeline: p}
	content = strings.ReplaceAll(content, "\r\n", "\n")
	res := Result{Unknown: unknownShortcodes(content, known)}
	blocks := strings.Contains(content, "<!-- wp:")
	content = strings.ReplaceAll(content, "<!--noteaser-->", "")
	parts := splitMore(content)
	nested := len(parts) == 2 && insideElement(parts[0])
	if nested {
		parts = []string{parts[0] + moreHold + parts[1]}
	}
	for i, part := range parts {
		part = c.embeds(part)
		if !blocks {
			part = c.autop(part, true)
		}
		parts[i] = c.shortcodes(part, 0)
	}
	res.HTML = strings.Join(parts, MoreMarker)
	if nested {
		res.HTML = strings.Replace(res.HTML, moreHold, MoreMarker, 1)
	}
	res.Notes = c.notes
	return res
}

func splitMore(s string) []string {
	loc := reMore.FindStringIndex(s)
	if loc == nil {
		return []string{s}
	}
	return []string{s[:loc[0]], s[loc[1]:]}
}

type converter struct {
	pipeline
	ctx   Context
	notes []string
}

func (c *converter) note(format string, args ...any) {
	c.notes = append(c.notes, fmt.Sprintf(format, args...))
}

func link(u, text string) string {
	return `<a href="` + html.EscapeString(u) + `">` + html.EscapeString(text) + `</a>`
}

// embeds replaces [embed]URL[/embed] and URLs alone on a line (or alone in a paragraph)
// with links, as WordPress's autoembed would when it has no embed for the URL.
func (c *converter) embeds(s string) string {
	if strings.Contains(s, "[embed") {
		s = replaceShortcodes(s, func(t string) bool { return t == "embed" }, func(sc shortcode) string {
			if sc.Escaped {
				return s[sc.Start+1 : sc.End-1]
			}
			u := strings.TrimSpace(sc.Content)
			if u == "" {
				u = sc.Attrs["src"]
			}
			if u == "" {
				return ""
			}
			return link(u, u)
		})
	}
	if !strings.Contains(s, "http") {
		return s
	}
	// Newlines inside tags are hidden first, so a URL in a multi-line tag is not "alone".
	const hidden = "<!-- wp-line-break -->"
	s = c.replaceInTags(s, "\n", hidden)
	s = c.linkURLs(s)
	return strings.ReplaceAll(s, hidden, "\n")
}

// replaceShortcodes replaces each shortcode whose tag satisfies want with fn's result.
func replaceShortcodes(s string, want func(string) bool, fn func(shortcode) string) string {
	scs := findShortcodes(s, want)
	if len(scs) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, sc := range scs {
		b.WriteString(s[last:sc.Start])
		b.WriteString(fn(sc))
		last = sc.End
	}
	b.WriteString(s[last:])
	return b.String()
}

// blockTags produce block-level HTML; a paragraph holding nothing but one of them loses its
// <p> (WordPress's shortcode_unautop).
var blockTags = map[string]bool{"caption": true, "wp_caption": true, "gallery": true, "playlist": true}

func (c *converter) shortcodes(s string, depth int) string {
	if depth > 5 || !strings.Contains(s, "[") {
		return s
	}
	scs := findShortcodes(s, known)
	if len(scs) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, sc := range scs {
		start, end := sc.Start, sc.End
		if blockTags[sc.Tag] && !sc.Escaped {
			start, end = unautop(s, start, end, last)
		}
		b.WriteString(s[last:start])
		if sc.Escaped {
			b.WriteString(s[sc.Start+1 : sc.End-1])
		} else {
			b.WriteString(c.render(sc, depth))
		}
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}

// unautop widens [start,end) to take in "<p>" before and "</p>" after when only whitespace
// separates them from the shortcode.
func unautop(s string, start, end, floor int) (int, int) {
	before := strings.TrimRight(s[floor:start], " \t\n\r")
	after := strings.TrimLeft(s[end:], " \t\n\r")
	if strings.HasSuffix(before, "<p>") && strings.HasPrefix(after, "</p>") {
		return floor + len(before) - len("<p>"), len(s) - len(after) + len("</p>")
	}
	return start, end
}

func (c *converter) render(sc shortcode, depth int) string {
	switch sc.Tag {
	case "caption", "wp_caption":
		return c.caption(sc, depth)
	case "gallery":
		return c.gallery(sc)
	case "audio", "video":
		return c.media(sc)
	case "playlist":
		return c.playlist(sc)
	case "embed":
		u := strings.TrimSpace(sc.Content)
		if u == "" {
			return ""
		}
		return link(u, u)
	}
	return ""
}

// caption is img_caption_shortcode in its HTML5 form: the image (and its link) in a figure
// with the caption in a figcaption. Without a caption or a width it is just the content.
func (c *converter) caption(sc shortcode, depth int) string {
	content := c.shortcodes(sc.Content, depth+1)
	capText := sc.Attrs["caption"]
	if capText == "" {
		if m := reCaptionBody.FindStringSubmatch(content); m != nil {
			content, capText = m[1], strings.TrimSpace(m[2])
		}
	}
	width, _ := strconv.Atoi(sc.Attrs["width"])
	if width < 1 || capText == "" {
		return content
	}
	var b strings.Builder
	b.WriteString("<figure")
	if id := sc.Attrs["id"]; id != "" {
		b.WriteString(` id="` + html.EscapeString(id) + `"`)
	}
	b.WriteString(` class="wp-caption`)
	if a := sc.Attrs["align"]; a != "" {
		b.WriteString(" " + html.EscapeString(a))
	}
	b.WriteString(`">` + content + `<figcaption class="wp-caption-text">` + capText + `</figcaption></figure>`)
	return b.String()
}

// gallery lists the images of [gallery]: the ids (or include) given, else the images
// attached to the post, minus exclude.
func (c *converter) gallery(sc shortcode) string {
	items := c.mediaList(sc, "image/")
	if len(items) == 0 {
		return ""
	}
	nolink := sc.Attrs["link"] == "none"
	var b strings.Builder
	b.WriteString(`<ul class="gallery">`)
	for _, m := range items {
		img := `<img src="` + html.EscapeString(m.URL) + `" alt="` + html.EscapeString(m.alt()) + `" loading="lazy">`
		if !nolink {
			img = `<a href="` + html.EscapeString(m.URL) + `">` + img + `</a>`
		}
		b.WriteString(`<li class="gallery-item"><figure>` + img)
		if m.Caption != "" {
			b.WriteString(`<figcaption>` + html.EscapeString(m.Caption) + `</figcaption>`)
		}
		b.WriteString(`</figure></li>`)
	}
	b.WriteString(`</ul>`)
	return b.String()
}

// mediaList resolves the attachments a [gallery] or [playlist] names.
func (c *converter) mediaList(sc shortcode, mimePrefix string) []Media {
	ids := sc.Attrs["ids"]
	if ids == "" {
		ids = sc.Attrs["include"]
	}
	var out []Media
	if ids != "" {
		for _, f := range strings.Split(ids, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
			if err != nil || id <= 0 {
				continue
			}
			if m, ok := c.lookup(id); ok {
				out = append(out, m)
			} else {
				c.note("[%s] names attachment %d, which is not in the export", sc.Tag, id)
			}
		}
		return out
	}
	exclude := map[int64]bool{}
	for _, f := range strings.Split(sc.Attrs["exclude"], ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64); err == nil {
			exclude[id] = true
		}
	}
	postID := c.ctx.PostID
	if id, err := strconv.ParseInt(sc.Attrs["id"], 10, 64); err == nil && id > 0 {
		postID = id
	}
	if c.ctx.Attached == nil {
		return nil
	}
	for _, m := range c.ctx.Attached(postID) {
		if !exclude[m.ID] && strings.HasPrefix(m.MimeType, mimePrefix) {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].MenuOrder != out[j].MenuOrder {
			return out[i].MenuOrder < out[j].MenuOrder
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func (c *converter) lookup(id int64) (Media, bool) {
	if c.ctx.Media == nil {
		return Media{}, false
	}
	return c.ctx.Media(id)
}

// media turns [audio] and [video] into a link to the file: from src or a format attribute
// (mp3="…"), else the first audio or video attached to the post.
func (c *converter) media(sc shortcode) string {
	keys := []string{"src", "mp3", "m4a", "ogg", "wav", "wma", "flac"}
	if sc.Tag == "video" {
		keys = []string{"src", "mp4", "m4v", "webm", "ogv", "wmv", "flv", "mov"}
	}
	var u string
	if p := strings.TrimSpace(sc.Attrs["0"]); strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
		u = p // [audio https://…/a.mp3]
	}
	for _, k := range keys {
		if u != "" {
			break
		}
		u = strings.TrimSpace(sc.Attrs[k])
	}
	if u == "" && c.ctx.Attached != nil {
		for _, m := range c.ctx.Attached(c.ctx.PostID) {
			if strings.HasPrefix(m.MimeType, sc.Tag+"/") {
				u = m.URL
				break
			}
		}
	}
	if u == "" {
		c.note("[%s] without a source file was dropped", sc.Tag)
		return ""
	}
	name := path.Base(strings.SplitN(u, "?", 2)[0])
	return link(u, name)
}

// playlist lists links to the audio (or video, with type="video") files it names.
func (c *converter) playlist(sc shortcode) string {
	typ := sc.Attrs["type"]
	if typ != "video" {
		typ = "audio"
	}
	items := c.mediaList(sc, typ+"/")
	if len(items) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<ol class="playlist">`)
	for _, m := range items {
		title := m.Title
		if title == "" {
			title = path.Base(m.URL)
		}
		b.WriteString(`<li>` + link(m.URL, title) + `</li>`)
	}
	b.WriteString(`</ol>`)
	return b.String()
}
