package importer

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/wxr"
)

// structureOf reads the permalink structure an item's <link> follows, by recognising the
// item's own slug, id, date, category and author in the link's path segments:
// https://example.com/2018/09/05/hello/ -> /%year%/%monthnum%/%day%/%postname%/,
// /archives/123 -> /archives/%post_id%, /hello/ -> /%postname%/. Dates are recognised by
// shape (a year, then a month, then a day), and the last segment stands for the slug or the
// id even when it is not the item's current one: WordPress keeps links of renamed or
// redated posts working, so exports carry such links. It returns "" for plain links
// (/?p=123) and for paths with no place for a slug or an id. A site that lived in a
// directory (home "/blog/") gives the structure below it: the site lives at the root here,
// and the old addresses below /blog redirect.
func structureOf(it *wxr.Item, home string, isCat func(string) bool) string {
	u, err := url.Parse(it.Link)
	if err != nil || u.RawQuery != "" || strings.Trim(u.Path, "/") == "" {
		return ""
	}
	path := u.EscapedPath()
	if home != "/" && home != "" {
		rest, ok := strings.CutPrefix(path, home)
		if !ok {
			return ""
		}
		path = "/" + rest
		if strings.Trim(path, "/") == "" {
			return ""
		}
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	slug := strings.ToLower(it.Name)
	seen := map[string]bool{}
	var out []string
	take := func(tag string) bool {
		if seen[tag] {
			return false
		}
		seen[tag] = true
		out = append(out, tag)
		return true
	}
	for i, seg := range segs {
		ls := strings.ToLower(seg)
		last := i == len(segs)-1
		switch {
		case slug != "" && ls == slug && take(broadside.TagPostname):
		case it.ID > 0 && seg == strconv.FormatInt(it.ID, 10) && take(broadside.TagPostID):
		case !seen[broadside.TagYear] && number(seg, 4, 1970, 2100) && take(broadside.TagYear):
		case seen[broadside.TagYear] && !seen[broadside.TagMonth] && number(seg, 2, 1, 12) && take(broadside.TagMonth):
		case seen[broadside.TagMonth] && !seen[broadside.TagDay] && number(seg, 2, 1, 31) && take(broadside.TagDay):
		case isCat != nil && isCat(ls):
			// %category% stands for the whole parent/child path: further category slugs
			// right after it are part of it.
			if len(out) == 0 || out[len(out)-1] != broadside.TagCategory {
				if !take(broadside.TagCategory) {
					out = append(out, seg)
				}
			}
		case it.Creator != "" && ls == wpNicename(it.Creator) && take(broadside.TagAuthor):
		case slug != "" && strings.HasPrefix(ls, slug) && isSuffix(ls[len(slug):]) && !seen[broadside.TagPostname]:
			seen[broadside.TagPostname] = true
			out = append(out, broadside.TagPostname+seg[len(slug):])
		case last && !seen[broadside.TagPostname] && !seen[broadside.TagPostID]:
			if number(seg, 0, 1, 1<<62) {
				take(broadside.TagPostID)
			} else {
				take(broadside.TagPostname)
			}
		default:
			out = append(out, seg)
		}
	}
	if !seen[broadside.TagPostname] && !seen[broadside.TagPostID] {
		return ""
	}
	s := "/" + strings.Join(out, "/")
	if strings.HasSuffix(path, "/") {
		s += "/"
	}
	if broadside.ValidatePermalinkStructure(s) != nil {
		return ""
	}
	return s
}

// homePath returns the directory of a site's home URL, with slashes around it
// (http://example.org/blog -> /blog/), or "/" for a site at the root.
func homePath(base string) string {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return "/"
	}
	p := strings.Trim(u.EscapedPath(), "/")
	if p == "" {
		return "/"
	}
	return "/" + p + "/"
}

// number reports whether s is a number of width digits (any width when 0) in [lo, hi].
func number(s string, width int, lo, hi int64) bool {
	if s == "" || width > 0 && len(s) != width || len(s) > 18 {
		return false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return err == nil && n >= lo && n <= hi && !strings.HasPrefix(s, "+")
}

// isSuffix accepts what people put after a slug in a structure: ".html", ".htm", ".php".
func isSuffix(s string) bool { return s == ".html" || s == ".htm" || s == ".php" || s == ".aspx" }

// wpNicename approximates WordPress's user_nicename (sanitize_title of the login), which is
// what /author/NAME/ uses: lowercase, spaces to hyphens, only letters, digits, '_' and '-'.
func wpNicename(login string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(login)) {
		switch {
		case r == ' ' || r == '.':
			b.WriteByte('-')
		case r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// inferredStructure returns the structure at least 80% of the published posts' links
// follow, or "" when there is no such majority (plain permalinks, or a mixture).
func (p *plan) inferredStructure() string {
	best, n := "", 0
	for s, c := range p.votes {
		if c > n || c == n && s < best {
			best, n = s, c
		}
	}
	if p.voters == 0 || n*10 < p.voters*8 {
		return ""
	}
	return best
}

// timezone returns an IANA zone matching the offset between the posts' local and GMT dates
// when there was exactly one (Etc/GMT-2 is UTC+2), and otherwise a note explaining why none
// was chosen.
func (p *plan) timezone() (zone, note string) {
	if len(p.offsets) == 0 {
		return "", ""
	}
	var offs []int
	for o := range p.offsets {
		offs = append(offs, o)
	}
	sort.Ints(offs)
	if len(offs) > 1 {
		var names []string
		for _, o := range offs {
			names = append(names, utcOffset(o))
		}
		return "", "the old site's posts are dated in several UTC offsets (" + strings.Join(names, ", ") +
			": a time zone with daylight saving time, or one that was changed), so no zone was chosen. Set it under Settings › " +
			"Time zone so date-based addresses match the old ones to the day; an old address that differs answers with a redirect."
	}
	o := offs[0]
	if o == 0 {
		return "UTC", ""
	}
	if o%60 != 0 {
		return "", "the old site was at " + utcOffset(o) + ", which no fixed-offset zone names; choose the time zone under Settings › Time zone."
	}
	h := o / 60
	name := "Etc/GMT"
	if h > 0 {
		name += "-" + strconv.Itoa(h) // POSIX: Etc/GMT-2 is two hours east of Greenwich
	} else {
		name += "+" + strconv.Itoa(-h)
	}
	if _, err := time.LoadLocation(name); err != nil {
		return "", "the old site was at " + utcOffset(o) + "; choose the time zone under Settings › Time zone."
	}
	return name, ""
}

func utcOffset(min int) string {
	sign := "+"
	if min < 0 {
		sign, min = "-", -min
	}
	return fmt.Sprintf("UTC%s%02d:%02d", sign, min/60, min%60)
}
