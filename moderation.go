package broadside

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ModerationInput is everything Moderate needs to decide on a new comment.
type ModerationInput struct {
	Comment    *Comment
	Discussion Discussion
	// AuthorHasApproved: the author PROVED an earlier approved comment: a signed-in account
	// with an approved comment, or a commenter key (a server-issued secret) a moderator
	// approved for this e-mail address. A typed name and e-mail prove nothing.
	AuthorHasApproved bool
	// UnprovenReason, when set, replaces the queue's reason for holding a comment whose
	// author has no proven prior approval (e.g. "identity not proven: …").
	UnprovenReason string
	// Privileged: a signed-in user who can moderate; their comments are always approved.
	Privileged bool
}

// Verdict is Moderate's decision. Reason explains it for the moderation queue and the logs
// in words ("submitted 0.3s after the page loaded"); Codes say the same for machines, one
// Reason* code per rule that applied, so the queue can be filtered and false positives
// counted by rule. Both are empty for an ordinary approval.
type Verdict struct {
	Status CommentStatus
	Reason string
	Codes  []string
}

// Moderation reason codes, stored with a comment (Comment.ModerationCodes).
const (
	ReasonModerator      = "moderator"       // written by a user who can moderate
	ReasonDisallowed     = "disallowed-word" // matched the disallowed list
	ReasonHoldAll        = "hold-all"        // the site holds every comment
	ReasonLinks          = "links"           // more links than the limit
	ReasonModerationWord = "moderation-word" // matched the moderation list
	ReasonFirstComment   = "first-comment"   // no proven earlier approved comment
	ReasonBanned         = "banned"          // a ban matched (Ban)
	ReasonHoneypot       = "honeypot"        // the hidden field was filled
	ReasonTooFast        = "too-fast"        // sent sooner after the page loaded than the minimum
	ReasonNoStamp        = "no-stamp"        // no valid comment-form stamp (missing, forged, expired)
	ReasonStampReused    = "stamp-reused"    // the form's stamp was used already
	ReasonAnonymousAPI   = "anonymous-api"   // sent through the REST API without signing in
	ReasonReported       = "reported"        // readers reported it
	ReasonEdited         = "edited"          // its author edited it
)

// Moderate applies WordPress's discussion rules (wp_allow_comment and check_comment) to a new
// comment, in this order, the first that applies deciding:
//
//  1. a privileged user (one who can moderate) → approved;
//  2. a match in the disallowed list → spam;
//  3. "hold all comments" → pending;
//  4. more links than MaxLinks (-1 disables the check, 0 holds any link) → pending;
//  5. a match in the moderation list → pending;
//  6. "hold unless previously approved" and the author has not proven an approved comment
//     (AuthorHasApproved) → pending;
//  7. otherwise → approved.
//
// One difference from WordPress: WordPress holds a comment with MaxLinks links or more; here
// it takes more than MaxLinks, as the setting's label says ("hold a comment with more links
// than this").
func Moderate(in ModerationInput) Verdict {
	c := in.Comment
	if c == nil {
		return Verdict{Status: CommentPending, Reason: "no comment to moderate", Codes: []string{ReasonHoldAll}}
	}
	d := in.Discussion
	if in.Privileged {
		return Verdict{Status: CommentApproved, Reason: "written by a moderator", Codes: []string{ReasonModerator}}
	}
	if word, field, ok := MatchWordList(d.DisallowedKeys, c); ok {
		return Verdict{Status: CommentSpam, Reason: "matched disallowed word " + strconv.Quote(word) + " in " + field, Codes: []string{ReasonDisallowed}}
	}
	if d.ModerationMode == ModerateHoldAll {
		return Verdict{Status: CommentPending, Reason: "all comments are held for moderation", Codes: []string{ReasonHoldAll}}
	}
	if d.MaxLinks >= 0 {
		if n := CountLinks(c.RawBody); n > d.MaxLinks {
			return Verdict{Status: CommentPending, Reason: "contains " + plural(n, "link", "links") + " (limit " + strconv.Itoa(d.MaxLinks) + ")", Codes: []string{ReasonLinks}}
		}
	}
	if word, field, ok := MatchWordList(d.ModerationKeys, c); ok {
		return Verdict{Status: CommentPending, Reason: "matched moderation word " + strconv.Quote(word) + " in " + field, Codes: []string{ReasonModerationWord}}
	}
	if d.ModerationMode == ModerateHoldUnlessPrior && !hasPriorApproval(in) {
		why := "first comment from this author"
		if in.UnprovenReason != "" {
			why = in.UnprovenReason
		}
		return Verdict{Status: CommentPending, Reason: why, Codes: []string{ReasonFirstComment}}
	}
	return Verdict{Status: CommentApproved}
}

// hasPriorApproval follows WordPress's comment_previously_approved: it never applies to
// pingbacks and trackbacks, nor to a comment without both a name and an email, since those
// cannot identify an author.
func hasPriorApproval(in ModerationInput) bool {
	c := in.Comment
	if c.Kind == KindPingback || c.Kind == KindTrackback {
		return false
	}
	if c.RemoteActor != "" {
		// A fediverse author has no e-mail address: their actor id, proven by the
		// signature on their reply, identifies them.
		return in.AuthorHasApproved
	}
	if strings.TrimSpace(c.AuthorName) == "" || strings.TrimSpace(c.AuthorEmail) == "" {
		return false
	}
	return in.AuthorHasApproved
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// linkRE is WordPress's link counter from check_comment.
var linkRE = regexp.MustCompile(`(?i)(href\s*=\s*['"]?)?(https?:)?//`)

// CountLinks counts the links in a comment body the way WordPress does: every "http://",
// "https://" or bare "//", optionally preceded by href=, counts once.
func CountLinks(body string) int {
	return len(linkRE.FindAllStringIndex(body, -1))
}

// MatchWordList reports the first entry of list (newline-separated, as stored in settings)
// found in the comment, and the field it was found in: "name", "email", "URL", "comment",
// "IP" or "user agent" (WordPress's order). Entries are trimmed and empty lines skipped.
//
// An entry matches any field as a case-insensitive substring, as in WordPress, with one
// deliberate difference for IP-looking entries (digits and dots like "192.168.1." or
// "10.0.0.1", or IPv6 text like "2001:db8:"): they match the IP field as a prefix at an
// address boundary instead of as a substring, so "192.168.1" holds 192.168.1.7, while
// "10.0.0.1" does not catch 10.0.0.12 and "1.2.3" does not catch 11.2.3.4 (WordPress's
// substring match catches both). They still match the other fields as substrings, so an
// address pasted into the comment is found. A CIDR entry ("203.0.113.0/24", "2001:db8::/32")
// matches the IP field by containment and nothing else.
func MatchWordList(list string, c *Comment) (word, field string, ok bool) {
	if c == nil || strings.TrimSpace(list) == "" {
		return "", "", false
	}
	fields := [...]struct{ name, value string }{
		{"name", c.AuthorName},
		{"email", c.AuthorEmail},
		{"URL", c.AuthorURL},
		{"comment", c.RawBody},
		{"IP", c.AuthorIP},
		{"user agent", c.UserAgent},
	}
	var lower [len(fields)]string
	for i, f := range fields {
		lower[i] = strings.ToLower(f.value)
	}
	ip := strings.TrimSpace(c.AuthorIP)
	for _, w := range Words(list) {
		if pfx, err := netip.ParsePrefix(w); err == nil {
			if addr, err := netip.ParseAddr(ip); err == nil && pfx.Contains(addr.Unmap()) {
				return w, "IP", true
			}
			continue // a CIDR is not text to look for elsewhere
		}
		lw := strings.ToLower(w)
		ipLike := looksLikeIP(w)
		if ipLike && ip != "" && ipPrefixMatch(lw, strings.ToLower(ip)) {
			return w, "IP", true
		}
		for i, f := range fields {
			if ipLike && f.name == "IP" {
				continue // IP-looking entries match the IP field by prefix only
			}
			if f.value != "" && strings.Contains(lower[i], lw) {
				return w, f.name, true
			}
		}
	}
	return "", "", false
}

// looksLikeIP reports whether w is made of an IPv4 or IPv6 address's characters and has at
// least one separator: "192.168.", "10.0.0.1", "2001:db8::".
func looksLikeIP(w string) bool {
	dots, colons, hex := 0, 0, false
	for i := 0; i < len(w); i++ {
		switch ch := w[i]; {
		case ch == '.':
			dots++
		case ch == ':':
			colons++
		case '0' <= ch && ch <= '9':
		case 'a' <= ch && ch <= 'f', 'A' <= ch && ch <= 'F':
			hex = true
		default:
			return false
		}
	}
	if colons > 0 {
		return dots <= 3 // IPv6, possibly with an embedded IPv4 tail
	}
	return dots > 0 && !hex
}

// ipPrefixMatch reports whether ip starts with entry at an address boundary: entry is the
// whole address, ends in a separator, or is followed in ip by one.
func ipPrefixMatch(entry, ip string) bool {
	if !strings.HasPrefix(ip, entry) {
		return false
	}
	if len(ip) == len(entry) {
		return true
	}
	last := entry[len(entry)-1]
	next := ip[len(entry)]
	return last == '.' || last == ':' || next == '.' || next == ':'
}

// CommentsClosed reports whether new comments on p are refused at time now, and the reason to
// show readers. Comments close when the post has them turned off, or, for blog posts (not
// pages, as in WordPress's close_comments_for_old_posts), when Discussion.CloseAfterDays > 0 and
// more than that many days have passed since publication.
func CommentsClosed(p *Post, d Discussion, now time.Time) (closed bool, reason string) {
	if p == nil || !p.CommentsOpen {
		return true, "Comments are closed."
	}
	if d.CloseAfterDays > 0 && p.Type != TypePage && !p.PublishedAt.IsZero() {
		limit := time.Duration(min(d.CloseAfterDays, 100_000)) * 24 * time.Hour // no overflow
		if now.Sub(p.PublishedAt) > limit {
			return true, "Comments are closed on posts older than " + plural(d.CloseAfterDays, "day", "days") + "."
		}
	}
	return false, ""
}
