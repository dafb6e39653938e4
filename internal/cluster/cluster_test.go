package cluster_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/newsletter"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
	"github.com/broadside/broadside/internal/testload"
)

const (
	subscribers = 60
	smtpRate    = 20 // messages a second for the whole site
	commentRate = 5  // comments a minute per address, the site's setting
	password    = "a long enough password"
)

// TestThreeNodesBehindNginx: three nodes on one PostgreSQL behind nginx's round-robin. The
// test process opens the same database as a fourth, admin-only node (no HTTP) to make the
// changes whose effect the readers must see through the balancer.
func TestThreeNodesBehindNginx(t *testing.T) {
	nginx := findNginx(t)
	smtp := mailtest.Start(t)
	ctx := context.Background()

	nginxAddr := testload.FreeAddr(t)
	cfg := config.Defaults()
	cfg.DB, cfg.DataDir, cfg.BaseURL = testdb.Postgres(t), t.TempDir(), "http://"+nginxAddr
	cfg.SMTP.From, cfg.SMTP.Rate = "The Daily <news@example.org>", smtpRate
	// The admin node has mail configured too, so publishing there queues the newsletter (it
	// runs no worker: the three nodes send).
	cfg.SMTP.Host, cfg.SMTP.Port, cfg.SMTP.TLS = smtp.Host, smtp.Port, "none"
	a, err := app.Open(ctx, cfg, quietLog(), app.Options{NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	admin := &broadside.User{Email: "ed@example.org", Role: broadside.RoleAdmin}
	if err := a.Auth.CreateUser(ctx, admin, password); err != nil {
		t.Fatal(err)
	}
	set, _ := a.Settings.Load(ctx)
	set.Discussion.ModerationMode = broadside.ModerateHoldAll
	set.Discussion.MinSubmitSeconds = 0
	set.Discussion.RateLimitPerMinute = commentRate
	if err := a.Settings.Save(ctx, set, admin); err != nil {
		t.Fatal(err)
	}
	post, err := a.Posts.Save(ctx, 0, posts.Input{Type: broadside.TypePost, Title: "Shared", Body: "The first version.",
		Status: broadside.StatusPublished, CommentsOpen: true}, admin)
	if err != nil {
		t.Fatal(err)
	}
	postPath := "/" + post.PublishedAt.UTC().Format("2006/01/02") + "/" + post.Slug + "/"
	addSubscribers(t, a)

	var nodes []*node
	for range 3 {
		nodes = append(nodes, startNode(t, cfg, smtp))
	}
	base := startNginx(t, nginx, nginxAddr, nodes)
	lb := &balancer{t: t, base: base}

	var cookie *http.Cookie
	t.Run("session works on every node", func(t *testing.T) {
		cookie = signIn(t, "http://"+nodes[0].addr)
		for _, n := range nodes {
			if code := getWith(t, "http://"+n.addr+"/admin/posts", cookie); code != 200 {
				t.Errorf("node %s with node 1's session: %d, want 200", n.addr, code)
			}
		}
		for i := range 6 {
			if code := getWith(t, base+"/admin/posts", cookie); code != 200 {
				t.Errorf("request %d through nginx: %d", i+1, code)
			}
		}
	})

	t.Run("approved comment visible through every node", func(t *testing.T) {
		lb.allSee(postPath, "The first version.") // every node has the page cached now
		id := lb.comment(postPath, post.ID, "198.51.100.1", "Visible everywhere, eventually.")
		if id == 0 {
			t.Fatal("the comment was not acknowledged")
		}
		// Approved in the admin of one node; the others must drop their cached page.
		if cookie == nil {
			cookie = signIn(t, "http://"+nodes[1].addr)
		}
		form := url.Values{"ids": {strconv.FormatInt(id, 10)}, "action": {"approve"}}
		req, _ := http.NewRequest(http.MethodPost, "http://"+nodes[1].addr+"/admin/comments/bulk", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(cookie)
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("approving on node 2: %d", res.StatusCode)
		}
		if c, err := a.Comments.Get(ctx, id); err != nil || c.Status != broadside.CommentApproved {
			t.Fatalf("after approving on node 2 the comment is %v (%v)", c, err)
		}
		lb.allSee(postPath, "Visible everywhere, eventually.")
	})

	t.Run("edit purges every node", func(t *testing.T) {
		lb.allSee(postPath, "The first version.")
		if _, err := a.Posts.Save(ctx, post.ID, posts.Input{Type: broadside.TypePost, Title: post.Title, Slug: post.Slug,
			Body: "The second version.", Status: broadside.StatusPublished, CommentsOpen: true}, admin); err != nil {
			t.Fatal(err)
		}
		lb.allSee(postPath, "The second version.")
	})

	t.Run("display name change purges every node", func(t *testing.T) {
		lb.allSee("/", "The second version.")
		if _, err := a.Auth.UpdateProfile(ctx, admin, "Edwina Clustered", "", ""); err != nil {
			t.Fatal(err)
		}
		lb.allSee("/", "Edwina Clustered")
	})

	t.Run("targeted purge reaches every node and spares other posts", func(t *testing.T) {
		other, err := a.Posts.Save(ctx, 0, posts.Input{Type: broadside.TypePost, Title: "Unrelated", Body: "Unrelated, first.",
			Status: broadside.StatusPublished, CommentsOpen: true}, admin)
		if err != nil {
			t.Fatal(err)
		}
		otherPath := "/" + other.PublishedAt.UTC().Format("2006/01/02") + "/" + other.Slug + "/"
		for _, n := range nodes {
			for _, p := range []string{postPath, otherPath} {
				u := "http://" + n.addr + p
				waitFor(t, "a cache hit for "+u, 30*time.Second, func() bool { return cacheState(t, u) == "hit" })
			}
		}
		if _, err := a.Posts.Save(ctx, other.ID, posts.Input{Type: broadside.TypePost, Title: "Unrelated", Slug: other.Slug,
			Body: "Unrelated, second.", Status: broadside.StatusPublished, PublishedAt: other.PublishedAt, CommentsOpen: true}, admin); err != nil {
			t.Fatal(err)
		}
		for _, n := range nodes {
			u := "http://" + n.addr + otherPath
			waitFor(t, "node "+n.addr+" to purge the edited post", 30*time.Second, func() bool {
				res, err := http.Get(u)
				if err != nil {
					return false
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				return strings.Contains(string(body), "Unrelated, second.")
			})
			// The purge has reached this node; the other post's page was not in it.
			if got := cacheState(t, "http://"+n.addr+postPath); got != "hit" {
				t.Errorf("node %s after an edit of another post: X-Cache %q on %s, want hit", n.addr, got, postPath)
			}
		}
	})

	t.Run("comment rate limit holds through the balancer", func(t *testing.T) {
		for i := range commentRate {
			if id := lb.comment(postPath, post.ID, "198.51.100.2", fmt.Sprintf("Flood %d", i)); id == 0 {
				t.Fatalf("comment %d of %d allowed a minute was refused", i+1, commentRate)
			}
		}
		// Whichever node the next ones reach, the site's one budget is spent.
		for i := range 3 {
			if code := lb.commentStatus(postPath, post.ID, "198.51.100.2", fmt.Sprintf("One too many %d", i)); code != http.StatusTooManyRequests {
				t.Errorf("comment %d past the limit: %d, want 429", commentRate+i+1, code)
			}
		}
	})

	t.Run("scheduled posts published once, newsletters sent once at the site's rate", func(t *testing.T) {
		due := time.Now().Add(3 * time.Second)
		send := true
		var paths []string
		var ids []int64
		for _, title := range []string{"Morning edition", "Evening edition"} {
			p, err := a.Posts.Save(ctx, 0, posts.Input{Type: broadside.TypePost, Title: title, Body: "Scheduled.",
				Status: broadside.StatusScheduled, PublishedAt: due, SendNewsletter: &send}, admin)
			if err != nil {
				t.Fatal(err)
			}
			paths = append(paths, "/"+due.UTC().Format("2006/01/02")+"/"+p.Slug+"/")
			ids = append(ids, p.ID)
		}
		waitFor(t, "both newsletters to reach every subscriber", 120*time.Second, func() bool {
			return len(recipients(bySubject(t, smtp, "Morning edition"))) >= subscribers &&
				len(recipients(bySubject(t, smtp, "Evening edition"))) >= subscribers
		})
		for _, p := range paths {
			lb.allSee(p, "Scheduled.")
		}
		// Each post went live once, on one node: the nodes' logs name it in one publication.
		published := map[string]int{}
		for _, n := range nodes {
			for _, line := range strings.Split(n.out.String(), "\n") {
				if m := publishedRE.FindStringSubmatch(line); m != nil {
					for _, id := range strings.Fields(m[1]) {
						published[id]++
					}
				}
			}
		}
		for _, id := range ids {
			if n := published[strconv.FormatInt(id, 10)]; n != 1 {
				t.Errorf("scheduled post %d was published %d times across the nodes, want once", id, n)
			}
		}
		var at []time.Time
		for _, title := range []string{"Morning edition", "Evening edition"} {
			msgs := bySubject(t, smtp, title)
			assertOncePerSubscriber(t, title, msgs, true)
			for _, m := range msgs {
				at = append(at, m.At)
			}
		}
		// Two newsletters sent at once, possibly by two nodes, still share one pace: 2×60
		// messages at 20 a second take at least (120-1)/20 s. Per-node pacing would halve it.
		sort.Slice(at, func(i, j int) bool { return at[i].Before(at[j]) })
		span, least := at[len(at)-1].Sub(at[0]), time.Duration(float64(len(at)-1)/smtpRate*0.9*float64(time.Second))
		t.Logf("%d newsletter messages in %s (site-wide pace %d/s: at least %s)", len(at), span.Round(time.Millisecond), smtpRate, least)
		if span < least {
			t.Errorf("%d messages went out in %s: faster than the site-wide --smtp-rate %d/s allows", len(at), span, smtpRate)
		}
	})

	t.Run("node killed mid-send, another takes the newsletter over", func(t *testing.T) {
		send := true
		if _, err := a.Posts.Save(ctx, 0, posts.Input{Type: broadside.TypePost, Title: "Breaking", Body: "Now.",
			Status: broadside.StatusPublished, SendNewsletter: &send}, admin); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the newsletter to start", 60*time.Second, func() bool { return len(bySubject(t, smtp, "Breaking")) >= subscribers/6 })
		js, err := a.Store.ListJobs(ctx, store.JobRunning, 10)
		if err != nil {
			t.Fatal(err)
		}
		var victim *node
		for _, j := range js {
			parts := strings.Split(j.LockedBy, ":") // host:pid:random
			if len(parts) < 3 || j.Kind != "newsletter_send" {
				continue
			}
			pid, _ := strconv.Atoi(parts[len(parts)-2])
			for _, n := range nodes {
				if n.cmd.Process.Pid == pid {
					victim = n
				}
			}
		}
		if victim == nil {
			t.Fatalf("no node holds the newsletter: running jobs %+v", js)
		}
		if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		killed := time.Now()
		waitFor(t, "the newsletter to reach everyone after the kill", 120*time.Second, func() bool {
			return len(recipients(bySubject(t, smtp, "Breaking"))) >= subscribers
		})
		msgs := bySubject(t, smtp, "Breaking")
		assertOncePerSubscriber(t, "Breaking", msgs, false)
		// The takeover gap is the longest silence at the SMTP server around the kill: the
		// dead node's lease (jobs.DefaultLease, 8 s) must run out before another node may
		// claim the job, so it is expected a little under 8 s plus a poll.
		var gap time.Duration
		for i := 1; i < len(msgs); i++ {
			if d := msgs[i].At.Sub(msgs[i-1].At); d > gap && msgs[i].At.After(killed) {
				gap = d
			}
		}
		t.Logf("node %s killed after %d of %d messages; takeover gap at the SMTP server: %s (issue 12 asks for < 10 s)",
			victim.addr, len(msgs)-countAfter(msgs, killed), subscribers, gap.Round(time.Millisecond))
		// Still served through nginx with a node down.
		lb.allSee(postPath, "The second version.")
	})
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// balancer is a reader going through nginx.
type balancer struct {
	t    *testing.T
	base string
}

// allSee polls until six consecutive answers through the round-robin balancer (twice
// every node) contain want.
func (b *balancer) allSee(path, want string) {
	b.t.Helper()
	streak := 0
	waitFor(b.t, fmt.Sprintf("every node to show %q on %s", want, path), 30*time.Second, func() bool {
		res, err := http.Get(b.base + path)
		if err != nil {
			streak = 0
			return false
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode == 200 && strings.Contains(string(body), want) {
			streak++
		} else {
			streak = 0
		}
		return streak >= 6
	})
}

var (
	publishedRE = regexp.MustCompile(`msg="scheduled posts published" post_ids="\[([0-9 ]*)\]"`)
	stampRE     = regexp.MustCompile(`name="ts" value="([^"]+)"`)
	idRE        = regexp.MustCompile(`#comment-(\d+)$`)
)

func (b *balancer) post(path string, postID int64, ip, text string) *http.Response {
	b.t.Helper()
	res, err := http.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := stampRE.FindSubmatch(body)
	if m == nil {
		b.t.Fatalf("no comment form stamp on %s", path)
	}
	form := url.Values{"comment_post_ID": {strconv.FormatInt(postID, 10)}, "comment_parent": {"0"}, "ts": {string(m[1])},
		"author": {"Reader " + ip}, "email": {"reader@example.org"}, "comment": {text}}
	req, _ := http.NewRequest(http.MethodPost, b.base+"/comments", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("X-Forwarded-For", ip) // nginx appends the peer; the nodes trust 127.0.0.1
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err = client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// comment posts a comment through nginx and returns its id, 0 if not acknowledged.
func (b *balancer) comment(path string, postID int64, ip, text string) int64 {
	b.t.Helper()
	res := b.post(path, postID, ip, text)
	if m := idRE.FindStringSubmatch(res.Header.Get("Location")); res.StatusCode == http.StatusSeeOther && m != nil {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		return id
	}
	return 0
}

func (b *balancer) commentStatus(path string, postID int64, ip, text string) int {
	b.t.Helper()
	return b.post(path, postID, ip, text).StatusCode
}

func signIn(t *testing.T, base string) *http.Cookie {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/admin/login", strings.NewReader(url.Values{"email": {"ed@example.org"}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "bs_session" {
			return c
		}
	}
	t.Fatalf("sign-in: %d and no session cookie", res.StatusCode)
	return nil
}

func getWith(t *testing.T, u string, c *http.Cookie) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.AddCookie(c)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func addSubscribers(t *testing.T, a *app.App) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	if err := a.Store.InTx(ctx, func(tx *store.Store) error {
		for i := range subscribers {
			s := &broadside.Subscriber{Email: fmt.Sprintf("sub%03d@example.net", i), Status: broadside.SubscriberConfirmed,
				Source: broadside.SourceForm, CreatedAt: now, UpdatedAt: now, ConfirmedAt: now}
			if err := tx.CreateSubscriber(ctx, s); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// bySubject returns the messages whose subject contains title, in the order received.
func bySubject(t *testing.T, srv *mailtest.Server, title string) []*mailtest.Received {
	var out []*mailtest.Received
	for _, m := range srv.Messages() {
		if strings.Contains(subject(t, m), title) {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// subjects holds each received message's decoded subject. The waits for the newsletters call
// bySubject every 25 ms, and parsing every message each time (MIME, quoted-printable; up to
// 180 of them) kept the test process busy while the nodes sent.
var subjects sync.Map // *mailtest.Received → string

func subject(t *testing.T, m *mailtest.Received) string {
	if s, ok := subjects.Load(m); ok {
		return s.(string)
	}
	s := mailtest.Parse(t, m.Data).Subject()
	subjects.Store(m, s)
	return s
}

func recipients(msgs []*mailtest.Received) map[string]int {
	n := map[string]int{}
	for _, m := range msgs {
		for _, to := range m.To {
			n[to]++
		}
	}
	return n
}

// assertOncePerSubscriber checks every subscriber got the newsletter; exactly once unless a
// node was killed mid-send. Then the messages the server had accepted but the dead node had
// not yet recorded may come twice, each with the same Message-ID: at most one claimed batch,
// newsletter.InFlight at the nodes' pace and connections (the connections share the batch).
func assertOncePerSubscriber(t *testing.T, title string, msgs []*mailtest.Received, exactly bool) {
	t.Helper()
	got := recipients(msgs)
	twice := 0
	for i := range subscribers {
		addr := fmt.Sprintf("sub%03d@example.net", i)
		switch n := got[addr]; {
		case n == 0:
			t.Errorf("%q never reached %s", title, addr)
		case n > 1 && exactly:
			t.Errorf("%q reached %s %d times", title, addr, n)
		case n > 1:
			twice++
			ids := map[string]bool{}
			for _, m := range msgs {
				if len(m.To) == 1 && m.To[0] == addr {
					ids[mailtest.Parse(t, m.Data).Header.Get("Message-Id")] = true
				}
			}
			if len(ids) != 1 {
				t.Errorf("%q reached %s %d times with Message-IDs %v: a repeat must carry the first copy's", title, addr, n, ids)
			}
		}
	}
	if bound := newsletter.InFlight(smtpRate, config.DefaultSMTPConnections); twice > bound {
		t.Errorf("%q reached %d subscribers more than once; at most the %d claimed in one batch and in flight at the kill may repeat", title, twice, bound)
	}
}

func countAfter(msgs []*mailtest.Received, t time.Time) int {
	n := 0
	for _, m := range msgs {
		if m.At.After(t) {
			n++
		}
	}
	return n
}

// cacheState GETs u and returns its X-Cache header (hit, miss or stale).
func cacheState(t *testing.T, u string) string {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.Header.Get("X-Cache")
}
