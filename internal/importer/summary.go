package importer

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/broadside/broadside/internal/wxr"
)

// Count is how many objects of one kind an import brought in (New) and how many were
// already here (Existing: imported by an earlier run, or merged with an existing category,
// tag or user of the same slug, login or email).
type Count struct{ New, Existing int }

// Total is New + Existing.
func (c Count) Total() int { return c.New + c.Existing }

// Ref points at one object in the file.
type Ref struct {
	Pos  wxr.Pos
	WPID int64
}

// Skip is one reason things were left out, with how many and the first few of them.
type Skip struct {
	Reason   string
	Count    int
	Examples []Ref
}

// Warning is something the publisher should look at; the import went on.
type Warning struct {
	Pos  wxr.Pos
	Kind string // post, comment, attachment, category, tag, author, file
	WPID int64
	Msg  string
}

func (w Warning) String() string {
	s := w.Pos.String() + ": "
	if w.Kind != "" && w.Kind != "file" {
		s += "WordPress " + w.Kind
		if w.WPID != 0 {
			s += fmt.Sprintf(" %d", w.WPID)
		}
		s += ": "
	}
	return s + w.Msg
}

// Permalinks reports what the import found out about the old site's addresses.
type Permalinks struct {
	Inferred string // the structure the old site's links follow, "" when unclear or plain
	Adopted  bool   // the site now uses it
	Timezone string // time zone set from the old site's posts, "" when unchanged
	// Language is the site language set from the export's channel <language>, "" when
	// unchanged (the site had one, the export named none, or it is not shipped: see Notes).
	Language string
	Notes    []string
}

// Summary is what an import did (or, in a dry run, would do).
type Summary struct {
	File     string
	DryRun   bool
	Source   string // the WordPress site's base URL
	Version  string // WXR version
	Duration time.Duration

	Posts, Pages, Attachments, Categories, Tags, Authors Count
	Comments, Pingbacks, Trackbacks                      Count
	// Statuses counts imported posts and pages by Broadside status.
	Statuses map[string]int
	// CommentStatuses counts imported comments (all kinds) by status.
	CommentStatuses map[string]int

	// IDsChanged counts objects whose WordPress id was already taken here and that got a new
	// id (each is also a warning; old links to them redirect).
	IDsChanged int
	// MediaCopied counts files stored from --media-dir into the media storage, MediaRows the
	// library files made of them, MediaMissing attachments whose file was not found there
	// and MediaRefused those whose file the library's checks refused (both keep their
	// original URL).
	MediaCopied, MediaRows, MediaMissing, MediaRefused int
	// MenuItems counts the items of the navigation menu made from the export's menus.
	MenuItems int

	Skipped       []Skip
	Warnings      []Warning
	WarningsTotal int // Warnings keeps the first MaxWarnings
	Permalinks    Permalinks
}

// MaxWarnings bounds the warnings a summary keeps (the total is still counted).
const MaxWarnings = 1000

const maxExamples = 5

func newSummary(file string, dry bool) *Summary {
	return &Summary{File: file, DryRun: dry, Statuses: map[string]int{}, CommentStatuses: map[string]int{}}
}

func (s *Summary) warn(pos wxr.Pos, kind string, wpID int64, format string, args ...any) {
	s.WarningsTotal++
	if len(s.Warnings) < MaxWarnings {
		s.Warnings = append(s.Warnings, Warning{Pos: pos, Kind: kind, WPID: wpID, Msg: fmt.Sprintf(format, args...)})
	}
}

func (s *Summary) skip(reason string, pos wxr.Pos, wpID int64) {
	for i := range s.Skipped {
		if s.Skipped[i].Reason == reason {
			s.Skipped[i].Count++
			if len(s.Skipped[i].Examples) < maxExamples {
				s.Skipped[i].Examples = append(s.Skipped[i].Examples, Ref{pos, wpID})
			}
			return
		}
	}
	s.Skipped = append(s.Skipped, Skip{Reason: reason, Count: 1, Examples: []Ref{{pos, wpID}}})
}

// skipN records n skipped things without examples (their positions are not at hand).
func (s *Summary) skipN(reason string, n int) {
	for i := range s.Skipped {
		if s.Skipped[i].Reason == reason {
			s.Skipped[i].Count += n
			return
		}
	}
	s.Skipped = append(s.Skipped, Skip{Reason: reason, Count: n})
}

// SkippedCount returns how many things were skipped for reasons containing substr ("" for
// all).
func (s *Summary) SkippedCount(substr string) int {
	n := 0
	for _, k := range s.Skipped {
		if strings.Contains(k.Reason, substr) {
			n += k.Count
		}
	}
	return n
}

// WarningsAbout returns the warnings whose message contains substr.
func (s *Summary) WarningsAbout(substr string) []Warning {
	var out []Warning
	for _, w := range s.Warnings {
		if strings.Contains(w.Msg, substr) {
			out = append(out, w)
		}
	}
	return out
}

// Write prints the summary for people: counts, skipped, warnings.
func (s *Summary) Write(w io.Writer) {
	verb := "Imported"
	if s.DryRun {
		verb = "Dry run: nothing was written. An import would bring in"
	}
	fmt.Fprintf(w, "%s from %s (WXR %s) in %s:\n", verb, orDash(s.Source), s.Version, s.Duration.Round(time.Millisecond))
	rows := []struct {
		name string
		c    Count
	}{{"posts", s.Posts}, {"pages", s.Pages}, {"attachments", s.Attachments}, {"categories", s.Categories},
		{"tags", s.Tags}, {"authors", s.Authors}, {"comments", s.Comments}, {"pingbacks", s.Pingbacks}, {"trackbacks", s.Trackbacks}}
	for _, r := range rows {
		fmt.Fprintf(w, "  %-12s %6d", r.name, r.c.New)
		if r.c.Existing > 0 {
			fmt.Fprintf(w, "  (%d already here)", r.c.Existing)
		}
		fmt.Fprintln(w)
	}
	if len(s.Statuses) > 0 {
		fmt.Fprintf(w, "  posts and pages by status: %s\n", counts(s.Statuses))
	}
	if len(s.CommentStatuses) > 0 {
		fmt.Fprintf(w, "  comments by status: %s\n", counts(s.CommentStatuses))
	}
	if s.MediaCopied > 0 || s.MediaRows > 0 || s.MediaMissing > 0 || s.MediaRefused > 0 {
		fmt.Fprintf(w, "  media files stored: %d, added to the media library: %d; not found in --media-dir: %d; refused (not an accepted type, or damaged): %d (those keep their original URLs)\n",
			s.MediaCopied, s.MediaRows, s.MediaMissing, s.MediaRefused)
	}
	if s.MenuItems > 0 {
		fmt.Fprintf(w, "  navigation menu: %d items (Admin → Settings → Site identity)\n", s.MenuItems)
	}
	if s.IDsChanged > 0 {
		fmt.Fprintf(w, "  %d WordPress ids were taken here and got new ids; their old links redirect\n", s.IDsChanged)
	}
	p := s.Permalinks
	switch {
	case p.Adopted:
		fmt.Fprintf(w, "Permalinks: adopted the old site's structure %s, so old links keep working as they are.\n", p.Inferred)
	case p.Inferred != "":
		fmt.Fprintf(w, "Permalinks: the old site used %s; old links answer with a permanent redirect to the new addresses.\n", p.Inferred)
	}
	if p.Timezone != "" {
		fmt.Fprintf(w, "Time zone: set to %s, the old site's offset.\n", p.Timezone)
	}
	if p.Language != "" {
		fmt.Fprintf(w, "Language: set to %s, the old site's language (Admin → Settings → General).\n", p.Language)
	}
	for _, n := range p.Notes {
		fmt.Fprintf(w, "Note: %s\n", n)
	}
	if len(s.Skipped) > 0 {
		fmt.Fprintln(w, "Skipped:")
		for _, k := range s.Skipped {
			fmt.Fprintf(w, "  %6d  %s", k.Count, k.Reason)
			var ex []string
			for _, r := range k.Examples {
				ex = append(ex, fmt.Sprintf("id %d at line %d", r.WPID, r.Pos.Line))
			}
			if len(ex) > 0 {
				fmt.Fprintf(w, " (e.g. %s)", strings.Join(ex, ", "))
			}
			fmt.Fprintln(w)
		}
	}
	if s.WarningsTotal > 0 {
		fmt.Fprintf(w, "Warnings (%d):\n", s.WarningsTotal)
		for _, x := range s.Warnings {
			fmt.Fprintf(w, "  %s:%s\n", s.File, x)
		}
		if s.WarningsTotal > len(s.Warnings) {
			fmt.Fprintf(w, "  … and %d more\n", s.WarningsTotal-len(s.Warnings))
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
