package importer_test

import (
	"testing"

	"github.com/broadside/broadside/internal/importer"
)

const dupCommentWXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://old.example</wp:base_site_url>
<item><title>First</title><wp:post_id>5</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<wp:post_date_gmt>2019-04-05 10:00:00</wp:post_date_gmt><wp:post_name>first</wp:post_name>
<content:encoded><![CDATA[One.]]></content:encoded>
<wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_author>Ann</wp:comment_author><wp:comment_date_gmt>2019-04-05 11:00:00</wp:comment_date_gmt><wp:comment_content>Ann on the first</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
<wp:comment><wp:comment_id>8</wp:comment_id><wp:comment_author>Bob</wp:comment_author><wp:comment_date_gmt>2019-04-05 12:00:00</wp:comment_date_gmt><wp:comment_content>Bob answers Cy, who comes later in the file</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>9</wp:comment_parent></wp:comment>
<wp:comment><wp:comment_id>9</wp:comment_id><wp:comment_author>Cy</wp:comment_author><wp:comment_date_gmt>2019-04-05 11:30:00</wp:comment_date_gmt><wp:comment_content>Cy on the first</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
</item>
<item><title>Second</title><wp:post_id>6</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<wp:post_date_gmt>2019-04-06 10:00:00</wp:post_date_gmt><wp:post_name>second</wp:post_name>
<content:encoded><![CDATA[Two.]]></content:encoded>
<wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_author>Dee</wp:comment_author><wp:comment_date_gmt>2019-04-06 11:00:00</wp:comment_date_gmt><wp:comment_content>Dee, with Ann's id</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
<wp:comment><wp:comment_id>10</wp:comment_id><wp:comment_author>Eve</wp:comment_author><wp:comment_date_gmt>2019-04-06 12:00:00</wp:comment_date_gmt><wp:comment_content>Eve answers Dee</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>7</wp:comment_parent></wp:comment>
<wp:comment><wp:comment_content>Fay has no id</wp:comment_content><wp:comment_author>Fay</wp:comment_author><wp:comment_date_gmt>2019-04-06 13:00:00</wp:comment_date_gmt><wp:comment_approved>1</wp:comment_approved></wp:comment>
<wp:comment><wp:comment_id>11</wp:comment_id><wp:comment_author>Gus</wp:comment_author><wp:comment_date_gmt>2019-04-06 14:00:00</wp:comment_date_gmt><wp:comment_content>Gus answers Eve</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>10</wp:comment_parent></wp:comment>
</item>
</channel></rss>`

// Into a site without comments the comments are written many to a statement with their
// WordPress ids (comment_batch.go); a file that gives one id to two comments still gets
// both, the second with a new id and its replies under it, as row by row (both databases).
func TestImportCommentsWithRepeatedIDs(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sum, err := e.importText("dup.xml", dupCommentWXR, importer.Options{})
		must(t, err)
		if sum.Comments.New != 7 || sum.IDsChanged != 1 {
			t.Fatalf("summary: %d new comments, %d ids changed; want 7 and 1", sum.Comments.New, sum.IDsChanged)
		}
		ids := map[string]int64{}
		parents := map[string]int64{}
		for _, title := range []string{"First", "Second"} {
			p := e.postByTitle(title)
			if p.CommentCount == 0 {
				t.Errorf("%s: no comments counted", title)
			}
			for _, c := range e.comments(p.ID) {
				ids[c.AuthorName], parents[c.AuthorName] = c.ID, c.ParentID
			}
		}
		if ids["Ann"] != 7 || ids["Bob"] != 8 || ids["Cy"] != 9 || ids["Eve"] != 10 || ids["Gus"] != 11 {
			t.Errorf("ids %v: the WordPress ids were not kept", ids)
		}
		if ids["Dee"] <= 11 || ids["Fay"] <= 11 || ids["Dee"] == ids["Fay"] {
			t.Errorf("ids %v: Dee and Fay need new ids above the file's", ids)
		}
		if parents["Bob"] != 9 || parents["Eve"] != ids["Dee"] || parents["Gus"] != 10 || parents["Ann"] != 0 {
			t.Errorf("parents %v, ids %v: replies under the wrong comments", parents, ids)
		}
	})
}
