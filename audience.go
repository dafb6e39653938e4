package broadside

import (
	"strings"
	"time"
)

// PageViewCount is one aggregate of the audience counter: the views of a page path on a UTC
// day ("2026-12-04") that came from one referrer. Nothing about the reader is kept: no
// address, no cookie, no user agent.
type PageViewCount struct {
	Day      string
	Path     string
	Referrer string // a host for other sites, a path for this site's own pages, "" for none
	Views    int64
}

// ViewDay is the day a view at t is counted on (UTC, so every node agrees).
func ViewDay(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// botMarkers are lower-case substrings of the user agents of crawlers, link previewers,
// monitors and HTTP libraries. A browser never sends them.
var botMarkers = []string{
	"bot", "crawl", "spider", "slurp", "facebookexternalhit", "facebookcatalog", "meta-externalagent",
	"curl/", "wget/", "python-", "python/", "go-http-client", "java/", "okhttp", "axios", "node-fetch",
	"undici", "httpclient", "libwww", "scrapy", "headless", "lighthouse", "pagespeed", "preview",
	"ia_archiver", "archive.org", "feedfetcher", "feedly", "inoreader", "newsblur", "feed",
	"mediapartners", "whatsapp", "telegram", "embedly", "quora link", "pinterest", "chatgpt",
	"gptbot", "claude", "anthropic", "perplexity", "ccbot", "bytespider", "petalsearch", "yandex",
	"baidu", "sogou", "semrush", "ahrefs", "mj12", "dataforseo", "uptime", "pingdom", "monitor",
	"statuscake", "check_http", "nagios", "zgrab", "masscan", "nmap", "wordpress/", "validator",
	"phantomjs", "puppeteer", "playwright", "selenium", "cypress", "mastodon/", "akkoma", "pleroma",
	"misskey", "http.rb",
}

// IsBot reports whether a request with this User-Agent comes from software rather than a
// reader: crawlers (Googlebot, bingbot, GPTBot …), link previewers (facebookexternalhit,
// Slackbot, WhatsApp), feed readers, monitors, HTTP libraries (curl, python-requests) and
// headless browsers. A request without a User-Agent is a bot too: every browser sends one.
func IsBot(ua string) bool {
	ua = strings.TrimSpace(ua)
	if ua == "" || !strings.Contains(ua, "Mozilla/") && !strings.Contains(ua, "Opera/") {
		return true // browsers all claim Mozilla (or, very old Opera, Opera)
	}
	for _, m := range botMarkers {
		if containsFold(ua, m) {
			return true
		}
	}
	return false
}

// containsFold reports whether s contains the lower-case ASCII needle, ignoring ASCII case,
// without allocating (IsBot runs on every page view).
func containsFold(s, needle string) bool {
	n := len(needle)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != needle[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}

// ReferrerKey reduces a Referer header to what the audience counter keeps: the host of
// another site ("news.ycombinator.com", without "www." so one site counts once), or, for a
// link from this site's own pages (host equal to siteHost), the path, so the dashboard shows
// which of the site's pages send readers on. Query strings and fragments are never kept (they
// carry search terms and session identifiers). "" when there is none or it cannot be read.
func ReferrerKey(ref, siteHost string) string {
	rest, ok := cutScheme(ref)
	if !ok {
		return ""
	}
	end := strings.IndexAny(rest, "/?#")
	host := rest
	path := "/"
	if end >= 0 {
		host = rest[:end]
		if rest[end] == '/' {
			path = rest[end:]
			if i := strings.IndexAny(path, "?#"); i >= 0 {
				path = path[:i]
			}
		}
	}
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:] // never keep user info
	}
	host = strings.ToLower(host)
	if host == "" || len(host) > 253 {
		return ""
	}
	if siteHost != "" && strings.EqualFold(host, siteHost) {
		if len(path) > 200 {
			path = path[:200]
		}
		return path
	}
	if h, p, found := strings.Cut(host, ":"); found && (p == "80" || p == "443") {
		host = h
	}
	return strings.TrimPrefix(host, "www.")
}

func cutScheme(ref string) (string, bool) {
	for _, p := range []string{"https://", "http://", "android-app://"} {
		if len(ref) > len(p) && strings.EqualFold(ref[:len(p)], p) {
			return ref[len(p):], true
		}
	}
	return "", false
}
