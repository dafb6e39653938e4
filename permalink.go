package broadside

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Permalink structure tags, as in WordPress's Settings › Permalinks.
const (
	TagYear     = "%year%"
	TagMonth    = "%monthnum%"
	TagDay      = "%day%"
	TagHour     = "%hour%"
	TagMinute   = "%minute%"
	TagSecond   = "%second%"
	TagPostname = "%postname%"
	TagPostID   = "%post_id%"
	TagCategory = "%category%"
	TagAuthor   = "%author%"
)

// MaxPermalinkStructureLen bounds the structure a publisher may type.
const MaxPermalinkStructureLen = 255

// permalinkTag describes one tag: the regexp its value matches and, for the fixed-width
// numeric tags, the width (such tags may follow each other without a separator, as in
// WordPress's "/%year%%monthnum%%day%/").
type permalinkTag struct {
	name  string
	re    string
	width int // >0: fixed-width number
}

var permalinkTags = map[string]permalinkTag{
	TagYear:     {TagYear, `([0-9]{4})`, 4},
	TagMonth:    {TagMonth, `([0-9]{2})`, 2},
	TagDay:      {TagDay, `([0-9]{2})`, 2},
	TagHour:     {TagHour, `([0-9]{2})`, 2},
	TagMinute:   {TagMinute, `([0-9]{2})`, 2},
	TagSecond:   {TagSecond, `([0-9]{2})`, 2},
	TagPostname: {TagPostname, `([^/]+)`, 0},
	TagPostID:   {TagPostID, `([0-9]+)`, 0},
	// One or more slash-separated segments, none empty.
	TagCategory: {TagCategory, `([^/]+(?:/[^/]+)*)`, 0},
	TagAuthor:   {TagAuthor, `([^/]+)`, 0},
}

// permalinkToken is a literal run (tag == "") or a tag.
type permalinkToken struct {
	lit string
	tag string
}

// tokenizePermalink splits s into literals and tags. With strict false, anything that is not a
// known tag stays literal text; with strict true it is an error.
func tokenizePermalink(s string, strict bool) ([]permalinkToken, error) {
	var toks []permalinkToken
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			toks = append(toks, permalinkToken{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		if s[i] != '%' {
			lit.WriteByte(s[i])
			i++
			continue
		}
		j := strings.IndexByte(s[i+1:], '%')
		if j < 0 {
			if strict {
				return nil, permalinkErr("has a %% that does not start a tag; tags look like %%postname%%.")
			}
			lit.WriteString(s[i:])
			break
		}
		tag := s[i : i+j+2]
		if _, ok := permalinkTags[tag]; !ok {
			if strict {
				return nil, permalinkErr("uses the unknown tag %s; the tags are %%year%% %%monthnum%% %%day%% %%hour%% %%minute%% %%second%% %%postname%% %%post_id%% %%category%% %%author%%.", quoteTag(tag))
			}
			// Keep the first % as text and look for a tag starting at the second one.
			lit.WriteByte('%')
			i++
			continue
		}
		flush()
		toks = append(toks, permalinkToken{tag: tag})
		i += len(tag)
	}
	flush()
	return toks, nil
}

func quoteTag(t string) string {
	if len(t) > 40 || !utf8.ValidString(t) {
		return "starting with " + strconv.QuoteToASCII(TruncateRunes(t, 40))
	}
	return t
}

func permalinkErr(format string, args ...any) *Error {
	return &Error{Code: EINVALID, Message: "The permalink structure " + fmt.Sprintf(format, args...)}
}

// ValidatePermalinkStructure checks a WordPress-style permalink structure such as
// "/%year%/%monthnum%/%day%/%postname%/". It returns an EINVALID *Error with a message for
// the publisher unless the structure starts with '/', contains %postname% or %post_id%, uses
// only known tags (each at most once), has no "..", '?', '#', whitespace, control characters
// or empty path segments, and separates tags by literal text, except that fixed-width numbers
// (%year% %monthnum% %day% %hour% %minute% %second%) may follow one another directly.
func ValidatePermalinkStructure(s string) error {
	_, err := parsePermalinkStructure(s)
	return err
}

func parsePermalinkStructure(s string) ([]permalinkToken, error) {
	switch {
	case s == "":
		return nil, permalinkErr("is empty; try /%%year%%/%%monthnum%%/%%day%%/%%postname%%/.")
	case len(s) > MaxPermalinkStructureLen:
		return nil, permalinkErr("is too long (%d characters at most).", MaxPermalinkStructureLen)
	case !utf8.ValidString(s):
		return nil, permalinkErr("contains invalid characters.")
	case s[0] != '/':
		return nil, permalinkErr("must start with a slash (/).")
	case strings.Contains(s, ".."):
		return nil, permalinkErr("must not contain \"..\".")
	case strings.ContainsAny(s, "?#"):
		return nil, permalinkErr("must not contain ? or #.")
	case strings.Contains(s, "//"):
		return nil, permalinkErr("must not contain an empty path segment (//).")
	case strings.Contains(s, "\\"):
		return nil, permalinkErr("must not contain a backslash.")
	}
	for _, r := range s {
		if unicode.IsSpace(r) {
			return nil, permalinkErr("must not contain spaces.")
		}
		if unicode.IsControl(r) {
			return nil, permalinkErr("must not contain control characters.")
		}
	}
	toks, err := tokenizePermalink(s, true)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i, t := range toks {
		if t.tag == "" {
			continue
		}
		if seen[t.tag] {
			return nil, permalinkErr("uses %s more than once.", t.tag)
		}
		seen[t.tag] = true
		if i > 0 && toks[i-1].tag != "" {
			prev := toks[i-1].tag
			if permalinkTags[prev].width == 0 || permalinkTags[t.tag].width == 0 {
				return nil, permalinkErr("needs a separator such as / or - between %s and %s.", prev, t.tag)
			}
		}
	}
	if !seen[TagPostname] && !seen[TagPostID] {
		return nil, permalinkErr("must contain %%postname%% or %%post_id%% so each post gets its own address.")
	}
	return toks, nil
}

// PermalinkFields are the values a permalink is built from.
type PermalinkFields struct {
	ID           int64
	Slug         string
	Published    time.Time // already in the site's time zone
	CategoryPath string    // slugs joined by '/', e.g. "news/local"; "" means "uncategorized"
	AuthorLogin  string
}

// BuildPermalink fills structure's tags from f and returns the path, for example
// "/2018/09/05/willsman-thumbs-his-nose/". Values are inserted as they are (not
// percent-encoded); the caller escapes the path when writing it into a URL. Text that is
// not a known tag is copied literally, so an invalid structure still yields some path.
func BuildPermalink(structure string, f PermalinkFields) string {
	toks, _ := tokenizePermalink(structure, false)
	return buildPermalink(toks, f)
}

func buildPermalink(toks []permalinkToken, f PermalinkFields) string {
	var b strings.Builder
	t := f.Published
	for _, tok := range toks {
		switch tok.tag {
		case "":
			b.WriteString(tok.lit)
		case TagYear:
			fmt.Fprintf(&b, "%04d", t.Year())
		case TagMonth:
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case TagDay:
			fmt.Fprintf(&b, "%02d", t.Day())
		case TagHour:
			fmt.Fprintf(&b, "%02d", t.Hour())
		case TagMinute:
			fmt.Fprintf(&b, "%02d", t.Minute())
		case TagSecond:
			fmt.Fprintf(&b, "%02d", t.Second())
		case TagPostname:
			b.WriteString(f.Slug)
		case TagPostID:
			b.WriteString(strconv.FormatInt(f.ID, 10))
		case TagCategory:
			if c := strings.Trim(f.CategoryPath, "/"); c != "" {
				b.WriteString(c)
			} else {
				b.WriteString(DefaultCategorySlug)
			}
		case TagAuthor:
			b.WriteString(f.AuthorLogin)
		}
	}
	return b.String()
}

// PermalinkMatch is what MatchPermalink read from a request path. The Has fields tell which
// parts the structure had; the others are zero.
type PermalinkMatch struct {
	Year, Month, Day     int
	Hour, Minute, Second int
	Slug                 string
	ID                   int64
	CategoryPath         string // e.g. "news/local"
	Author               string // the author's login

	HasYear, HasMonth, HasDay     bool
	HasHour, HasMinute, HasSecond bool
	HasSlug, HasID                bool
	HasCategory, HasAuthor        bool
}

// Permalinks is a validated permalink structure with its matcher compiled once, for the
// request path. It is safe for concurrent use.
type Permalinks struct {
	structure string
	toks      []permalinkToken
	re        *regexp.Regexp
	groups    []string // the tag of each capture group, in order
}

// NewPermalinks validates structure and compiles its matcher.
func NewPermalinks(structure string) (*Permalinks, error) {
	toks, err := parsePermalinkStructure(structure)
	if err != nil {
		return nil, err
	}
	// The structure's own trailing slash, if any, is optional in the request, and so is one
	// after a structure without it (WordPress's rewrite rules end in "/?$" too).
	body := toks
	if last := len(body) - 1; body[last].tag == "" && strings.HasSuffix(body[last].lit, "/") {
		body = append([]permalinkToken(nil), body...)
		body[last].lit = strings.TrimSuffix(body[last].lit, "/")
	}
	var re strings.Builder
	re.WriteString("^")
	var groups []string
	for i, t := range body {
		if t.tag == "" {
			re.WriteString(regexp.QuoteMeta(t.lit))
			continue
		}
		pt := permalinkTags[t.tag]
		// A two-digit field set off by literal text on both sides also accepts one digit
		// ("/2018/9/5/slug/"), as WordPress does; next to another number it must be exact.
		if pt.width == 2 && (i == 0 || body[i-1].tag == "") && (i == len(body)-1 || body[i+1].tag == "") {
			re.WriteString(`([0-9]{1,2})`)
		} else {
			re.WriteString(pt.re)
		}
		groups = append(groups, t.tag)
	}
	re.WriteString("/?$")
	return &Permalinks{
		structure: structure,
		toks:      toks,
		re:        regexp.MustCompile(re.String()),
		groups:    groups,
	}, nil
}

// Structure returns the structure p was made from.
func (p *Permalinks) Structure() string { return p.structure }

// Build returns the path of the post described by f (see BuildPermalink).
func (p *Permalinks) Build(f PermalinkFields) string { return buildPermalink(p.toks, f) }

// Match parses a decoded request path against the structure. Numbers must be in range
// (month 1–12, day 1–31, hour 0–23, minute and second 0–59, post id ≥ 1); the date is not
// checked further (the caller looks the post up and compares).
func (p *Permalinks) Match(path string) (PermalinkMatch, bool) {
	var m PermalinkMatch
	sub := p.re.FindStringSubmatch(path)
	if sub == nil {
		return m, false
	}
	for i, tag := range p.groups {
		v := sub[i+1]
		num := func(lo, hi int) (int, bool) {
			n, err := strconv.Atoi(v)
			return n, err == nil && n >= lo && n <= hi
		}
		var ok bool
		switch tag {
		case TagYear:
			m.Year, ok = num(0, 9999)
			m.HasYear = true
		case TagMonth:
			m.Month, ok = num(1, 12)
			m.HasMonth = true
		case TagDay:
			m.Day, ok = num(1, 31)
			m.HasDay = true
		case TagHour:
			m.Hour, ok = num(0, 23)
			m.HasHour = true
		case TagMinute:
			m.Minute, ok = num(0, 59)
			m.HasMinute = true
		case TagSecond:
			m.Second, ok = num(0, 59)
			m.HasSecond = true
		case TagPostname:
			m.Slug, ok = v, true
			m.HasSlug = true
		case TagPostID:
			id, err := strconv.ParseInt(v, 10, 64)
			m.ID, ok = id, err == nil && id >= 1
			m.HasID = true
		case TagCategory:
			m.CategoryPath, ok = v, true
			m.HasCategory = true
		case TagAuthor:
			m.Author, ok = v, true
			m.HasAuthor = true
		}
		if !ok {
			return PermalinkMatch{}, false
		}
	}
	return m, true
}

// MatchPermalink parses a decoded request path against structure; it compiles the structure
// on every call, so hot paths should keep a *Permalinks from NewPermalinks instead. An invalid
// structure matches nothing.
func MatchPermalink(structure, path string) (PermalinkMatch, bool) {
	p, err := NewPermalinks(structure)
	if err != nil {
		return PermalinkMatch{}, false
	}
	return p.Match(path)
}
