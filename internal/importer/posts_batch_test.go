package importer_test

import (
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/importer"
)

const dupPostWXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://old.example</wp:base_site_url><wp:base_blog_url>https://old.example</wp:base_blog_url>
<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>news</wp:category_nicename><wp:cat_name>Harbour news</wp:cat_name></wp:category>
` + dupPostItems + `</channel></rss>`

const dupPostItems = `<item><title>Alpha</title><link>https://old.example/alpha/</link><wp:post_id>5</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<wp:post_date_gmt>2019-04-05 10:00:00</wp:post_date_gmt><wp:post_name>same</wp:post_name>
<category domain="category" nicename="news"><![CDATA[Harbour news]]></category><category domain="post_tag" nicename="ferries"><![CDATA[Ferries]]></category>
<content:encoded><![CDATA[The ferries ran.]]></content:encoded>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author>Ann</wp:comment_author><wp:comment_date_gmt>2019-04-05 11:00:00</wp:comment_date_gmt><wp:comment_content>On Alpha</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
</item>
<item><title>Beta</title><link>https://old.example/beta/</link><wp:post_id>6</wp:post_id><wp:post_type>page</wp:post_type><wp:status>publish</wp:status>
<wp:post_date_gmt>2019-04-06 10:00:00</wp:post_date_gmt><wp:post_name>same</wp:post_name>
<content:encoded><![CDATA[A page with the post's slug.]]></content:encoded>
<wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_author>Bob</wp:comment_author><wp:comment_date_gmt>2019-04-06 11:00:00</wp:comment_date_gmt><wp:comment_content>On Beta</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
</item>
<item><title>Gamma</title><link>https://old.example/gamma/</link><wp:post_id>5</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<wp:post_date_gmt>2019-04-07 10:00:00</wp:post_date_gmt><wp:post_name>same</wp:post_name>
<category domain="post_tag" nicename="ferries"><![CDATA[Ferries]]></category>
<content:encoded><![CDATA[Alpha's id and slug, again.]]></content:encoded>
<wp:comment><wp:comment_id>3</wp:comment_id><wp:comment_author>Cy</wp:comment_author><wp:comment_date_gmt>2019-04-07 11:00:00</wp:comment_date_gmt><wp:comment_content>On Gamma</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
</item>
<item><title>Delta</title><link>https://old.example/delta/</link><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<wp:post_date_gmt>2019-04-08 10:00:00</wp:post_date_gmt><wp:post_name>delta</wp:post_name>
<content:encoded><![CDATA[No id.]]></content:encoded>
<wp:comment><wp:comment_id>4</wp:comment_id><wp:comment_author>Dee</wp:comment_author><wp:comment_date_gmt>2019-04-08 11:00:00</wp:comment_date_gmt><wp:comment_content>On Delta</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
</item>
<item><title>Child</title><link>https://old.example/parent/child/</link><wp:post_id>8</wp:post_id><wp:post_type>page</wp:post_type><wp:status>publish</wp:status>
<wp:post_date_gmt>2019-04-09 10:00:00</wp:post_date_gmt><wp:post_name>child</wp:post_name><wp:post_parent>9</wp:post_parent>
<content:encoded><![CDATA[Its parent comes next.]]></content:encoded>
</item>
<item><title>Parent</title><link>https://old.example/parent/</link><wp:post_id>9</wp:post_id><wp:post_type>page</wp:post_type><wp:status>publish</wp:status>
<wp:post_date_gmt>2019-04-09 10:00:00</wp:post_date_gmt><wp:post_name>parent</wp:post_name>
<content:encoded><![CDATA[The parent.]]></content:encoded>
</item>
<item><title>Later</title><link>https://old.example/?p=7</link><wp:post_id>7</wp:post_id><wp:post_type>post</wp:post_type><wp:status>future</wp:status>
<wp:post_date_gmt>2099-01-01 10:00:00</wp:post_date_gmt><wp:post_name>later</wp:post_name>
<content:encoded><![CDATA[Scheduled.]]></content:encoded>
</item>
`

// Into a site without posts the posts and pages are written many to a statement with their
// WordPress ids (posts_batch.go); as row by row, an id or slug given twice still brings
// both posts (the second with a new id and slug, its comments and old address with it),
// a post without id gets a new one, a page links to a parent that comes later, a slug may
// repeat across types, and a scheduled post is queued for publishing (both databases).
func TestImportPostsWithRepeatedIDs(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sum, err := e.importText("dup.xml", dupPostWXR, importer.Options{})
		must(t, err)
		if sum.Posts.New != 4 || sum.Pages.New != 3 || sum.IDsChanged != 1 || sum.Comments.New != 4 {
			t.Fatalf("summary: %d posts, %d pages, %d ids changed, %d comments; want 4, 3, 1, 4",
				sum.Posts.New, sum.Pages.New, sum.IDsChanged, sum.Comments.New)
		}
		got := map[string]*broadside.Post{}
		for _, title := range []string{"Alpha", "Beta", "Gamma", "Delta", "Child", "Parent", "Later"} {
			got[title] = e.postByTitle(title)
		}
		for title, want := range map[string]struct {
			id   int64
			slug string
		}{"Alpha": {5, "same"}, "Beta": {6, "same"}, "Later": {7, "later"}, "Child": {8, "child"}, "Parent": {9, "parent"}} {
			if p := got[title]; p.ID != want.id || p.Slug != want.slug {
				t.Errorf("%s: id %d slug %q, want %d %q", title, p.ID, p.Slug, want.id, want.slug)
			}
		}
		if g, d := got["Gamma"], got["Delta"]; g.ID <= 9 || d.ID <= 9 || g.ID == d.ID || g.Slug != "same-2" {
			t.Errorf("Gamma id %d slug %q, Delta id %d: want new ids above the file's, and same-2", g.ID, g.Slug, d.ID)
		}
		if got["Child"].ParentID != 9 {
			t.Errorf("Child's parent is %d, want 9", got["Child"].ParentID)
		}
		if got["Later"].Status != broadside.StatusScheduled {
			t.Errorf("Later is %s, want scheduled", got["Later"].Status)
		}
		if a, g := got["Alpha"], got["Gamma"]; len(a.Categories) != 1 || a.Categories[0].Slug != "news" || len(a.Tags) != 1 ||
			len(g.Tags) != 1 || g.Tags[0].ID != a.Tags[0].ID || len(g.Categories) != 1 || g.Categories[0].Slug != "uncategorized" {
			t.Errorf("terms: Alpha %+v %+v, Gamma %+v %+v", a.Categories, a.Tags, g.Categories, g.Tags)
		}
		for title, author := range map[string]string{"Alpha": "Ann", "Beta": "Bob", "Gamma": "Cy", "Delta": "Dee"} {
			cs := e.comments(got[title].ID)
			if len(cs) != 1 || cs[0].AuthorName != author || got[title].CommentCount != 1 {
				t.Errorf("%s: comments %+v (count %d), want %s's", title, cs, got[title].CommentCount, author)
			}
		}
		for path, title := range map[string]string{"/alpha/": "Alpha", "/gamma/": "Gamma", "/delta/": "Delta", "/parent/child/": "Child"} {
			if r, err := e.st.RedirectByPath(e.ctx, path); err != nil || r.TargetID != got[title].ID {
				t.Errorf("redirect of %s: %+v %v, want %s (%d)", path, r, err, title, got[title].ID)
			}
		}
		if n := e.count("jobs"); n < 1 {
			t.Errorf("%d jobs: the scheduled post is not queued", n)
		}
	})
}
