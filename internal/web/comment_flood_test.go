package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/testdb"
)

// TestIdenticalCommentsAtOnceAreStoredOnce: the same comment sent many times at the same
// moment (a double click, a retrying client, a bot) is stored once; the others are told it
// is a duplicate. The check runs in the transaction that stores the comment, under a lock per
// post that also holds across nodes on PostgreSQL.
func TestIdenticalCommentsAtOnceAreStoredOnce(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ta := newTestApp(t, withDSN(dsn))
		ta.settings(func(s *broadside.Settings) {
			s.Discussion.ModerationMode = broadside.ModeratePublish
			s.Discussion.RateLimitPerMinute = 1000
		})
		p := ta.publish(ta.user("e@example.org", broadside.RoleEditor), "Double click", "Body.")
		const n = 24
		forms := make([]string, n)
		browsers := make([]*browser, n)
		for i := range n {
			browsers[i] = ta.browser()
			f := browsers[i].formFor(ta.postPath(p)) // each has its own valid, unused stamp
			f.Set("comment", "Said once, sent many times")
			forms[i] = f.Encode()
		}
		start := make(chan struct{})
		codes := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest(http.MethodPost, ta.Srv.URL+"/comments", strings.NewReader(forms[i]))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				<-start
				res, err := browsers[i].c.Do(req)
				if err != nil {
					codes[i] = -1
					return
				}
				res.Body.Close()
				codes[i] = res.StatusCode
			}()
		}
		close(start)
		wg.Wait()
		created, dup := 0, 0
		for i, c := range codes {
			switch c {
			case http.StatusSeeOther:
				created++
			case http.StatusConflict:
				dup++
			default:
				t.Errorf("request %d: status %d", i, c)
			}
		}
		stored := 0
		for _, c := range ta.comments(p.ID) {
			if c.RawBody == "Said once, sent many times" {
				stored++
			}
		}
		if stored != 1 || created != 1 || dup != n-1 {
			t.Fatalf("%d identical comments sent at once: %d stored, %d answered created, %d duplicate; want 1, 1, %d", n, stored, created, dup, n-1)
		}
	})
}

// TestSpoofFloodPublishesNothing: a flood of comments posing as approved commenters (their
// names and addresses rotated, through the form with freshly loaded forms, and through the
// REST API) publishes none of them, while each genuine commenter, whose browser holds the key
// a moderator approved, is published at once in the middle of it.
func TestSpoofFloodPublishesNothing(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.settings(func(s *broadside.Settings) { s.Discussion.RateLimitPerMinute = 1000 })
	p := ta.publish(ta.user("e@example.org", broadside.RoleEditor), "Contested", "Body.")
	type person struct {
		name, email string
		b           *browser
	}
	var known []person
	for i := range 5 {
		who := person{fmt.Sprintf("Regular %d", i), fmt.Sprintf("regular%d@example.net", i), ta.browser()}
		first := who.b.commentAs(p, who.name, who.email, "Hello from "+who.name)
		ta.approve(first.ID)
		known = append(known, who)
	}
	const flood = 300
	genuine := 0
	for i := range flood {
		who := known[i%len(known)]
		body := fmt.Sprintf("Spoof %d posing as %s", i, who.name)
		if i%2 == 0 {
			ta.browser().commentAs(p, who.name, strings.ToUpper(who.email), body)
		} else {
			ta.apiComment(p, who.name, who.email, body)
		}
		if i%60 == 0 { // the genuine commenter speaks up in the middle of the flood
			g := who.b.commentAs(p, who.name, who.email, fmt.Sprintf("Genuine %d from %s", i, who.name))
			wantComment(t, g, broadside.CommentApproved, "")
			genuine++
		}
	}
	published, held := 0, 0
	for _, c := range ta.comments(p.ID) {
		spoof := strings.HasPrefix(c.RawBody, "Spoof ")
		switch {
		case spoof && c.Status == broadside.CommentApproved:
			t.Errorf("spoofed comment published: %q by %s <%s>", c.RawBody, c.AuthorName, c.AuthorEmail)
		case spoof && c.Status == broadside.CommentPending && strings.Contains(c.ModerationReason, "match an approved commenter"):
			held++
		case spoof:
			t.Errorf("spoofed comment %q: %s (%q)", c.RawBody, c.Status, c.ModerationReason)
		case c.Status == broadside.CommentApproved:
			published++
		}
	}
	if held != flood || published != len(known)+genuine {
		t.Fatalf("%d of %d spoofs held as impersonations; %d genuine comments published, want %d", held, flood, published, len(known)+genuine)
	}
	page := ta.browser().get(ta.postPath(p)).Body
	if strings.Contains(page, "Spoof ") {
		t.Fatal("a spoofed comment is on the page")
	}
}
