package wpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/testdb"
)

func ids(r *reply) []int64 {
	var out []int64
	for _, it := range r.list() {
		out = append(out, num(it.(map[string]any)["id"]))
	}
	return out
}

func sameIDs(got []int64, want ...int64) bool {
	return fmt.Sprint(got) == fmt.Sprint(want)
}

// TestPostQueryParameters exercises every query parameter of GET /wp/v2/posts.
func TestPostQueryParameters(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	author := s.user("author@example.org", broadside.RoleAuthor)
	news := &broadside.Category{Name: "News"}
	if err := s.App.Posts.SaveCategory(ctx, news, s.Admin); err != nil {
		t.Fatal(err)
	}
	at := func(d time.Duration) func(*posts.Input) {
		return func(in *posts.Input) { in.PublishedAt = s.Clock.Now().Add(d) }
	}
	a := s.publish(author, "Alpha apples", "First words", at(-72*time.Hour), func(in *posts.Input) {
		in.CategoryIDs = []int64{news.ID}
		in.Tags = []string{"fruit"}
	})
	b := s.publish(s.Admin, "Bravo bananas", "Second words about apples", at(-48*time.Hour), func(in *posts.Input) { in.Tags = []string{"fruit", "yellow"} })
	c := s.publish(s.Admin, "Charlie cherries", "Third", at(-24*time.Hour), func(in *posts.Input) { in.CategoryIDs = []int64{news.ID} })
	draft, err := s.App.Posts.Save(ctx, 0, posts.Input{Type: broadside.TypePost, Title: "Draft", Body: "x", Status: broadside.StatusDraft}, author)
	if err != nil {
		t.Fatal(err)
	}
	seed := s.Seed.ID // 2018: the oldest
	b.Sticky = true
	if err := s.App.Store.UpdatePost(ctx, b); err != nil {
		t.Fatal(err)
	}
	tags, _ := s.App.Posts.Tags(ctx)
	tagID := map[string]int64{}
	for _, tg := range tags {
		tagID[tg.Slug] = tg.ID
	}
	loc := func(p *broadside.Post) string { return p.PublishedAt.UTC().Format("2006-01-02T15:04:05") }

	cases := []struct {
		query string
		want  []int64
	}{
		{"", []int64{c.ID, b.ID, a.ID, seed}},
		{"order=asc", []int64{seed, a.ID, b.ID, c.ID}},
		{"orderby=title&order=asc", []int64{a.ID, b.ID, c.ID, seed}},
		{"orderby=id&order=asc", []int64{seed, a.ID, b.ID, c.ID}},
		{"orderby=slug&order=desc", []int64{seed, c.ID, b.ID, a.ID}},
		{"orderby=modified", []int64{c.ID, b.ID, a.ID, seed}},
		{"orderby=author&order=desc&per_page=1", []int64{a.ID}},
		{"per_page=2", []int64{c.ID, b.ID}},
		{"per_page=2&page=2", []int64{a.ID, seed}},
		{"offset=1&per_page=2", []int64{b.ID, a.ID}},
		{"search=apples", []int64{a.ID, b.ID}}, // relevance: the title match first
		{"search=APPLES&orderby=date&order=asc", []int64{a.ID, b.ID}},
		{"slug=" + b.Slug, []int64{b.ID}},
		{"slug=" + b.Slug + "," + a.Slug, []int64{b.ID, a.ID}},
		{"slug[]=" + c.Slug + "&slug[]=" + a.Slug + "&orderby=include_slugs", []int64{c.ID, a.ID}},
		{fmt.Sprintf("categories=%d", news.ID), []int64{c.ID, a.ID}},
		{fmt.Sprintf("categories_exclude=%d", news.ID), []int64{b.ID, seed}},
		{fmt.Sprintf("tags=%d", tagID["fruit"]), []int64{b.ID, a.ID}},
		{fmt.Sprintf("tags=%d,%d", tagID["yellow"], tagID["fruit"]), []int64{b.ID, a.ID}},
		{fmt.Sprintf("tags_exclude=%d", tagID["yellow"]), []int64{c.ID, a.ID, seed}},
		{fmt.Sprintf("author=%d", author.ID), []int64{a.ID}},
		{fmt.Sprintf("author_exclude=%d", author.ID), []int64{c.ID, b.ID, seed}},
		{fmt.Sprintf("include=%d,%d", seed, b.ID), []int64{b.ID, seed}},
		{fmt.Sprintf("include=%d,%d&orderby=include", seed, b.ID), []int64{seed, b.ID}},
		{fmt.Sprintf("exclude=%d", c.ID), []int64{b.ID, a.ID, seed}},
		{"after=" + url.QueryEscape(loc(a)), []int64{c.ID, b.ID}},
		{"before=" + url.QueryEscape(loc(b)), []int64{a.ID, seed}},
		{"after=2018-01-01T00:00:00Z&before=2019-01-01", []int64{seed}},
		{"status=publish", []int64{c.ID, b.ID, a.ID, seed}},
		{"status=", []int64{c.ID, b.ID, a.ID, seed}}, // empty: the default, never "any status"
		{"sticky=true", []int64{b.ID}},
		{"sticky=false", []int64{c.ID, a.ID, seed}},
	}
	for _, tc := range cases {
		r := s.get("/wp-json/wp/v2/posts?" + tc.query)
		wantStatus(t, r, http.StatusOK)
		if got := ids(r); !sameIDs(got, tc.want...) {
			t.Errorf("?%s: ids %v, want %v", tc.query, got, tc.want)
		}
	}

	// Pagination headers and links.
	r := s.get("/wp-json/wp/v2/posts?per_page=1&page=2&search=")
	if r.Header.Get("X-WP-Total") != "4" || r.Header.Get("X-WP-TotalPages") != "4" {
		t.Errorf("totals %q %q", r.Header.Get("X-WP-Total"), r.Header.Get("X-WP-TotalPages"))
	}
	links := strings.Join(r.Header.Values("Link"), ", ")
	if !strings.Contains(links, s.Srv.URL+`/wp-json/wp/v2/posts?page=1&per_page=1&search=>; rel="prev"`) ||
		!strings.Contains(links, s.Srv.URL+`/wp-json/wp/v2/posts?page=3&per_page=1&search=>; rel="next"`) {
		t.Errorf("Link = %s", links)
	}
	if first := s.get("/wp-json/wp/v2/posts?per_page=2"); strings.Contains(strings.Join(first.Header.Values("Link"), ","), `rel="prev"`) {
		t.Error("page 1 links to a previous page")
	}
	empty := s.get("/wp-json/wp/v2/posts?search=nothing-matches-this")
	if empty.Raw != "[]\n" || empty.Header.Get("X-WP-Total") != "0" || empty.Header.Get("X-WP-TotalPages") != "0" {
		t.Errorf("empty result: %q %v", empty.Raw, empty.Header)
	}

	// _fields keeps the named keys (and nested ones); _embed adds _embedded.
	f := s.get("/wp-json/wp/v2/posts?_fields=id,title.rendered,link&per_page=1")
	item := f.list()[0].(map[string]any)
	if len(item) != 3 || fmt.Sprint(keys(item["title"].(map[string]any))) != "[rendered]" {
		t.Errorf("_fields: %s", f.Raw)
	}
	e := s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d?_embed", b.ID)).obj()
	emb, _ := e["_embedded"].(map[string]any)
	if emb == nil || emb["author"] == nil || emb["wp:term"] == nil || emb["replies"] == nil {
		t.Fatalf("_embed: %v", keys(e))
	}
	if name := emb["author"].([]any)[0].(map[string]any)["name"]; name != "admin" {
		t.Errorf("embedded author %v", name)
	}
	terms := emb["wp:term"].([]any)
	if len(terms) != 2 || len(terms[1].([]any)) != 2 {
		t.Errorf("embedded terms %v", terms)
	}
	only := s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d?_embed=author", b.ID)).obj()["_embedded"].(map[string]any)
	if fmt.Sprint(keys(only)) != "[author]" {
		t.Errorf("_embed=author embedded %v", keys(only))
	}

	// Drafts: not for strangers; an author sees their own, an editor everyone's.
	wantError(t, s.get("/wp-json/wp/v2/posts?status=draft"), http.StatusBadRequest, "rest_invalid_param")
	asAuthor := s.as(author)
	if got := ids(asAuthor(http.MethodGet, "/wp-json/wp/v2/posts?status=draft", nil)); !sameIDs(got, draft.ID) {
		t.Errorf("author's drafts %v", got)
	}
	if got := ids(asAuthor(http.MethodGet, "/wp-json/wp/v2/posts?status=any&per_page=100", nil)); !sameIDs(got, draft.ID, a.ID) {
		t.Errorf("author's posts, any status: %v", got)
	}
	if got := ids(s.as(s.Admin)(http.MethodGet, "/wp-json/wp/v2/posts?status=draft,publish&per_page=2", nil)); len(got) != 2 {
		t.Errorf("admin, drafts and published: %v", got)
	}
	wantError(t, s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d", draft.ID)), http.StatusUnauthorized, "rest_forbidden")
	wantStatus(t, asAuthor(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d", draft.ID), nil), http.StatusOK)

	// A post is not a page.
	wantError(t, s.get(fmt.Sprintf("/wp-json/wp/v2/pages/%d", a.ID)), http.StatusNotFound, "rest_post_invalid_id")
}

// TestPageAndTermParameters covers pages (parent), categories, tags and users.
func TestPageAndTermParameters(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	page := func(title string, parent int64) *broadside.Post {
		return s.publish(s.Admin, title, "x", func(in *posts.Input) { in.Type = broadside.TypePage; in.ParentID = parent })
	}
	about := page("About", 0)
	team := page("Team", about.ID)
	if got := ids(s.get(fmt.Sprintf("/wp-json/wp/v2/pages?parent=%d", about.ID))); !sameIDs(got, team.ID) {
		t.Errorf("children of About: %v", got)
	}
	if got := ids(s.get("/wp-json/wp/v2/pages?parent=0")); !sameIDs(got, about.ID) {
		t.Errorf("top-level pages: %v", got)
	}
	for _, name := range []string{"Zebra", "Apple", "Mango"} {
		if err := s.App.Posts.SaveCategory(ctx, &broadside.Category{Name: name}, s.Admin); err != nil {
			t.Fatal(err)
		}
	}
	names := func(r *reply) string {
		var out []string
		for _, it := range r.list() {
			out = append(out, it.(map[string]any)["name"].(string))
		}
		return strings.Join(out, ",")
	}
	for q, want := range map[string]string{
		"":                                "Apple,Mango,Uncategorized,Zebra",
		"order=desc":                      "Zebra,Uncategorized,Mango,Apple",
		"orderby=id":                      "Uncategorized,Zebra,Apple,Mango",
		"orderby=count&order=desc":        "Uncategorized,Apple,Mango,Zebra",
		"hide_empty=true":                 "Uncategorized",
		"search=an":                       "Mango",
		"slug=zebra,apple":                "Apple,Zebra",
		"per_page=2&page=2":               "Uncategorized,Zebra",
		"parent=0&per_page=1":             "Apple",
		fmt.Sprintf("post=%d", s.Seed.ID): "Uncategorized",
	} {
		r := s.get("/wp-json/wp/v2/categories?" + q)
		wantStatus(t, r, http.StatusOK)
		if got := names(r); got != want {
			t.Errorf("categories?%s = %s, want %s", q, got, want)
		}
	}
	if r := s.get("/wp-json/wp/v2/categories?per_page=2"); r.Header.Get("X-WP-Total") != "4" || r.Header.Get("X-WP-TotalPages") != "2" {
		t.Errorf("category totals %v", r.Header)
	}
	s.publish(s.Admin, "Tagged", "x", func(in *posts.Input) { in.Tags = []string{"beta", "Alpha"} })
	if got := names(s.get("/wp-json/wp/v2/tags")); got != "Alpha,beta" {
		t.Errorf("tags = %s", got)
	}
	// Users: only authors with published posts are public, ordered by name.
	s.user("nobody@example.org", broadside.RoleAuthor)
	if got := names(s.get("/wp-json/wp/v2/users")); got != "admin" {
		t.Errorf("public users = %s", got)
	}
	if got := names(s.as(s.Admin)(http.MethodGet, "/wp-json/wp/v2/users?orderby=id&order=desc", nil)); got != "nobody,admin" {
		t.Errorf("users for the admin = %s", got)
	}
	if r := s.get("/wp-json/wp/v2/users?search=adm"); names(r) != "admin" {
		t.Errorf("user search: %s", r.Raw)
	}
	wantError(t, s.get("/wp-json/wp/v2/users/"+fmt.Sprint(s.Admin.ID+1)), http.StatusUnauthorized, "rest_user_cannot_view")
}

// TestSearchEndpoint covers /wp/v2/search for posts and terms.
func TestSearchEndpoint(t *testing.T) {
	s := newSite(t)
	p := s.publish(s.Admin, "Apple harvest", "Apples everywhere", func(in *posts.Input) { in.Tags = []string{"Apple trees"} })
	pg := s.publish(s.Admin, "Apple page", "About apples", func(in *posts.Input) { in.Type = broadside.TypePage })
	r := s.get("/wp-json/wp/v2/search?search=apple")
	wantStatus(t, r, http.StatusOK)
	got := map[int64]string{}
	for _, it := range r.list() {
		m := it.(map[string]any)
		got[num(m["id"])] = m["subtype"].(string)
		if m["type"] != "post" || !strings.HasPrefix(m["url"].(string), s.Srv.URL) {
			t.Errorf("result %v", m)
		}
	}
	if got[p.ID] != "post" || got[pg.ID] != "page" || len(got) != 2 {
		t.Errorf("search results %v", got)
	}
	if r := s.get("/wp-json/wp/v2/search?search=apple&subtype=page"); !sameIDs(ids(r), pg.ID) {
		t.Errorf("subtype=page: %s", r.Raw)
	}
	terms := s.get("/wp-json/wp/v2/search?search=apple&type=term")
	if l := terms.list(); len(l) != 1 || l[0].(map[string]any)["subtype"] != "post_tag" {
		t.Errorf("term search: %s", terms.Raw)
	}
	emb := s.get("/wp-json/wp/v2/search?search=harvest&_embed").list()[0].(map[string]any)["_embedded"].(map[string]any)
	if self := emb["self"].([]any)[0].(map[string]any); num(self["id"]) != p.ID || self["title"] == nil {
		t.Errorf("embedded self: %v", self)
	}
	wantError(t, s.get("/wp-json/wp/v2/search?type=user"), http.StatusBadRequest, "rest_invalid_param")
}

// TestCommentQueryParameters exercises the parameters of GET /wp/v2/comments.
func TestCommentQueryParameters(t *testing.T) {
	s := newSite(t)
	seed := s.Seed.ID
	all := ids(s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&per_page=100", seed)))
	if len(all) != 31 {
		t.Fatalf("seed discussion: %d comments, want 31", len(all))
	}
	asc := ids(s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&per_page=100&order=asc", seed)))
	for i := range asc {
		if asc[i] != all[len(all)-1-i] {
			t.Fatalf("order=asc is not the reverse of the default: %v / %v", asc, all)
		}
	}
	r := s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&per_page=10&page=4", seed))
	if len(r.list()) != 1 || r.Header.Get("X-WP-Total") != "31" || r.Header.Get("X-WP-TotalPages") != "4" {
		t.Errorf("page 4 of 10: %d items, %v", len(r.list()), r.Header)
	}
	// Past the end: an empty page, not an error (WordPress's comments controller).
	if r := s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&page=9", seed)); r.Status != http.StatusOK || r.Raw != "[]\n" {
		t.Errorf("page past the end: %d %s", r.Status, r.Raw)
	}
	// Top-level comments and the replies of one comment.
	var top, replies []int64
	var parentOfReply int64
	for _, it := range s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&per_page=100", seed)).list() {
		m := it.(map[string]any)
		if num(m["parent"]) == 0 {
			top = append(top, num(m["id"]))
		} else if parentOfReply == 0 {
			parentOfReply = num(m["parent"])
		}
	}
	for _, it := range s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&per_page=100", seed)).list() {
		if m := it.(map[string]any); num(m["parent"]) == parentOfReply {
			replies = append(replies, num(m["id"]))
		}
	}
	if got := ids(s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&parent=0&per_page=100", seed))); !sameIDs(got, top...) {
		t.Errorf("parent=0: %v, want %v", got, top)
	}
	if got := ids(s.get(fmt.Sprintf("/wp-json/wp/v2/comments?parent=%d&per_page=100", parentOfReply))); !sameIDs(got, replies...) {
		t.Errorf("parent=%d: %v, want %v", parentOfReply, got, replies)
	}
	if got := ids(s.get(fmt.Sprintf("/wp-json/wp/v2/comments?include=%d,%d&orderby=include", all[3], all[1]))); !sameIDs(got, all[3], all[1]) {
		t.Errorf("include ordered: %v", got)
	}
	if got := ids(s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&exclude=%d&per_page=2", seed, all[0]))); !sameIDs(got, all[1], all[2]) {
		t.Errorf("exclude: %v", got)
	}
	if got := ids(s.get("/wp-json/wp/v2/comments?orderby=id&order=asc&per_page=1")); !sameIDs(got, asc[0]) && len(got) != 1 {
		t.Errorf("orderby=id: %v", got)
	}
	if got := s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&before=2018-09-05T09:00:00", seed)); len(got.list()) != 0 {
		t.Errorf("before the post: %s", got.Raw)
	}
	if got := s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&after=2018-09-05T00:00:00&per_page=100", seed)); len(got.list()) != 31 {
		t.Errorf("after: %d", len(got.list()))
	}
	// Searching: the text readers see, never emails or addresses.
	if got := s.get("/wp-json/wp/v2/comments?search=Momentum&per_page=100"); len(got.list()) == 0 {
		t.Error("search found nothing")
	}
	if got := s.get("/wp-json/wp/v2/comments?search=example.invalid"); len(got.list()) != 0 {
		t.Errorf("search matched an email address for a stranger: %s", got.Raw)
	}
	// Embedding the post a comment belongs to.
	e := s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&per_page=1&_embed=up", seed)).list()[0].(map[string]any)
	if up := e["_embedded"].(map[string]any)["up"].([]any)[0].(map[string]any); num(up["id"]) != seed {
		t.Errorf("embedded post %v", up)
	}
	// A post nobody may read: its comments neither.
	draft := s.publish(s.Admin, "Draft", "x", func(in *posts.Input) { in.Status = broadside.StatusDraft })
	wantError(t, s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d", draft.ID)), http.StatusUnauthorized, "rest_cannot_read_post")
	if got := s.get("/wp-json/wp/v2/comments?post=99999"); got.Raw != "[]\n" {
		t.Errorf("comments of a missing post: %s", got.Raw)
	}
}

// TestOnPostgreSQL runs the filtering queries against PostgreSQL, where the SQL differs.
func TestOnPostgreSQL(t *testing.T) {
	s := newSite(t, withDSN(testdb.Postgres(t)))
	p := s.publish(s.Admin, "Second", "About Willsman too", func(in *posts.Input) { in.Tags = []string{"nec"} })
	for query, want := range map[string][]int64{
		"":                              {p.ID, s.Seed.ID},
		"order=asc&orderby=id":          {s.Seed.ID, p.ID},
		"orderby=slug":                  {p.ID, s.Seed.ID},
		fmt.Sprintf("exclude=%d", p.ID): {s.Seed.ID},
		fmt.Sprintf("include=%d,%d&orderby=include", s.Seed.ID, p.ID): {s.Seed.ID, p.ID},
		"slug=" + p.Slug:               {p.ID},
		"search=willsman&orderby=date": {p.ID, s.Seed.ID},
		"after=2020-01-01T00:00:00":    {p.ID},
	} {
		if got := ids(s.get("/wp-json/wp/v2/posts?" + query)); !sameIDs(got, want...) {
			t.Errorf("posts?%s = %v, want %v", query, got, want)
		}
	}
	r := s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&parent=0&per_page=5&order=asc&orderby=id", s.Seed.ID))
	wantStatus(t, r, http.StatusOK)
	if len(r.list()) != 5 {
		t.Errorf("comments on PostgreSQL: %s", r.Raw)
	}
	api := s.as(s.Admin)
	wantStatus(t, api(http.MethodPost, "/wp-json/wp/v2/tags", map[string]any{"name": "Fresh"}), http.StatusCreated)
	wantStatus(t, api(http.MethodPost, "/wp-json/wp/v2/comments", map[string]any{"post": p.ID, "content": "On PostgreSQL"}), http.StatusCreated)
}
