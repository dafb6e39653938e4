package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
)

const firefoxUA = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"

// view GETs path as a reader at ip with the user agent and referrer given.
func (b *browser) view(method, path, ip, ua, ref string, headers ...string) *response {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.ta.Srv.URL+path, nil)
	req.Header.Set("X-Forwarded-For", ip)
	req.Header.Set("User-Agent", ua)
	if ref != "" {
		req.Header.Set("Referer", ref)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

// Crawlers, previewers and libraries seen in real access logs; none may be counted.
var botUAs = []string{
	"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
	"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/131.0.6778.204 Safari/537.36",
	"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
	"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
	"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0; +https://openai.com/bot",
	"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
	"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
	"Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
	"Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
	"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
	"Twitterbot/1.0",
	"WhatsApp/2.23.20.0",
	"TelegramBot (like TwitterBot)",
	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
	"curl/8.11.1",
	"Wget/1.21.4",
	"python-requests/2.32.3",
	"Go-http-client/1.1",
	"Feedly/1.0 (+http://www.feedly.com/fetcher.html; 3 subscribers)",
	"Mastodon/4.3.2 (http.rb/5.2.0; +https://mastodon.social/)",
	"",
}

// TestAudienceCountsReadersOnly: readers' views of a post, cached or not, are counted per
// day, path and referrer host; bots, HEAD requests, prefetches and signed-in editors are not;
// and nothing stored holds an address or a user agent.
func TestAudienceCountsReadersOnly(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withCache(), behindProxy())
	admin := ta.user("admin@example.com", broadside.RoleAdmin)
	p := ta.publish(admin, "Counted", "A post readers read.")
	path := ta.postPath(p)
	b := ta.browser()
	ips := []string{"198.51.100.7", "203.0.113.99", "2001:db8:1234::77"}
	for _, ip := range ips { // three readers from a link on another site, with a query string
		if r := b.view("GET", path, ip, firefoxUA, "https://www.News.example.org/item?id=42#top"); r.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, r.StatusCode)
		}
	}
	b.view("GET", path, "198.51.100.8", firefoxUA, ta.Srv.URL+"/?s=secret+search") // from the home page
	b.view("GET", "/", "198.51.100.8", firefoxUA, "")
	for _, ua := range botUAs {
		if r := b.view("GET", path, "192.0.2.1", ua, "https://bots.example/"); r.StatusCode != http.StatusOK {
			t.Fatalf("bot GET: %d", r.StatusCode)
		}
	}
	b.view("HEAD", path, "192.0.2.2", firefoxUA, "https://head.example/")
	b.view("GET", path, "192.0.2.3", firefoxUA, "https://prefetch.example/", "Sec-Purpose", "prefetch")
	b.view("GET", path, "192.0.2.3", firefoxUA, "https://prefetch.example/", "Purpose", "prefetch")
	b.view("GET", "/no-such-page/", "192.0.2.4", firefoxUA, "https://404.example/")
	editor := ta.signIn(admin)
	editor.view("GET", path, "192.0.2.5", firefoxUA, "https://editor.example/")

	if err := ta.App.Audience.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	rows, err := ta.App.Store.AllPageViews(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	day := "2026-03-01"
	want := map[[3]string]int64{{day, path, "news.example.org"}: 3, {day, path, "/"}: 1, {day, "/", ""}: 1}
	got := map[[3]string]int64{}
	for _, r := range rows {
		got[[3]string{r.Day, r.Path, r.Referrer}] = r.Views
		for _, v := range []string{r.Day, r.Path, r.Referrer} {
			for _, ip := range append(ips, "198.51.100.8", "192.0.2") {
				if strings.Contains(v, ip) {
					t.Errorf("a stored column holds the address %s: %+v", ip, r)
				}
			}
			if strings.Contains(v, "Mozilla") || strings.Contains(v, "secret") || strings.Contains(v, "id=42") {
				t.Errorf("a stored column holds a user agent or a query string: %+v", r)
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("stored rows %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("views of %v = %d, want %d (all: %v)", k, got[k], n, got)
		}
	}

	// The next day is its own row; the dashboard sums the last 30 days.
	ta.Clock.Advance(24 * time.Hour)
	b.view("GET", path, "198.51.100.9", firefoxUA, "https://news.example.org/")
	r := editor.get("/admin/")
	doc := parseHTML(t, r.Body)
	if n := byID(doc, "count-views"); n == nil || textOf(n) != "6" {
		t.Fatalf("dashboard total views: %v\n%s", n, r.Body)
	}
	pages := byID(doc, "top-pages")
	if pages == nil || !strings.Contains(textOf(pages), "Counted") || !strings.Contains(textOf(pages), "5") {
		t.Errorf("dashboard pages: %q", textOf(pages))
	}
	refs := byID(doc, "top-referrers")
	if refs == nil || !strings.Contains(textOf(refs), "news.example.org") {
		t.Errorf("dashboard referrers: %v", refs)
	}
	rows, _ = ta.App.Store.AllPageViews(context.Background())
	if rows[len(rows)-1].Day != "2026-03-02" {
		t.Errorf("the second day's view is not on its own day: %+v", rows)
	}
}
