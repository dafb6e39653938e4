package importer_test

import (
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/importer"
)

// menuWXR is a minimal export with a page, a category and a "Main" menu of three top-level
// items (page, category, custom link) with a sub-menu three levels deep under the link (the
// third level one too many), and a second, smaller menu.
const menuWXR = `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Menus</title><link>http://old.example.org</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>http://old.example.org</wp:base_site_url><wp:base_blog_url>http://old.example.org</wp:base_blog_url>
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[ann]]></wp:author_login><wp:author_email><![CDATA[ann@example.org]]></wp:author_email><wp:author_display_name><![CDATA[Ann]]></wp:author_display_name></wp:author>
	<wp:category><wp:term_id>7</wp:term_id><wp:category_nicename><![CDATA[politics]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Politics]]></wp:cat_name></wp:category>
	<wp:term><wp:term_id>20</wp:term_id><wp:term_taxonomy><![CDATA[nav_menu]]></wp:term_taxonomy><wp:term_slug><![CDATA[main]]></wp:term_slug><wp:term_name><![CDATA[Main]]></wp:term_name></wp:term>
	<item><title>About</title><link>http://old.example.org/about/</link><dc:creator><![CDATA[ann]]></dc:creator>
		<content:encoded><![CDATA[Who we are.]]></content:encoded>
		<wp:post_id>5</wp:post_id><wp:post_date><![CDATA[2020-01-01 10:00:00]]></wp:post_date><wp:post_date_gmt><![CDATA[2020-01-01 10:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[about]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status><wp:post_parent>0</wp:post_parent><wp:menu_order>0</wp:menu_order><wp:post_type><![CDATA[page]]></wp:post_type></item>
	<item><title>Donate</title><wp:post_id>101</wp:post_id><wp:post_date><![CDATA[2020-01-01 10:00:00]]></wp:post_date>
		<wp:status><![CDATA[publish]]></wp:status><wp:menu_order>3</wp:menu_order><wp:post_type><![CDATA[nav_menu_item]]></wp:post_type>
		<category domain="nav_menu" nicename="main"><![CDATA[Main]]></category>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_type]]></wp:meta_key><wp:meta_value><![CDATA[custom]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_menu_item_parent]]></wp:meta_key><wp:meta_value><![CDATA[0]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_object]]></wp:meta_key><wp:meta_value><![CDATA[custom]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_url]]></wp:meta_key><wp:meta_value><![CDATA[https://donate.example.org/]]></wp:meta_value></wp:postmeta></item>
	<item><title></title><wp:post_id>102</wp:post_id><wp:post_date><![CDATA[2020-01-01 10:00:00]]></wp:post_date>
		<wp:status><![CDATA[publish]]></wp:status><wp:menu_order>1</wp:menu_order><wp:post_type><![CDATA[nav_menu_item]]></wp:post_type>
		<category domain="nav_menu" nicename="main"><![CDATA[Main]]></category>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_type]]></wp:meta_key><wp:meta_value><![CDATA[post_type]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_menu_item_parent]]></wp:meta_key><wp:meta_value><![CDATA[0]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_object_id]]></wp:meta_key><wp:meta_value><![CDATA[5]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_object]]></wp:meta_key><wp:meta_value><![CDATA[page]]></wp:meta_value></wp:postmeta></item>
	<item><title>Our politics</title><wp:post_id>103</wp:post_id><wp:post_date><![CDATA[2020-01-01 10:00:00]]></wp:post_date>
		<wp:status><![CDATA[publish]]></wp:status><wp:menu_order>2</wp:menu_order><wp:post_type><![CDATA[nav_menu_item]]></wp:post_type>
		<category domain="nav_menu" nicename="main"><![CDATA[Main]]></category>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_type]]></wp:meta_key><wp:meta_value><![CDATA[taxonomy]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_menu_item_parent]]></wp:meta_key><wp:meta_value><![CDATA[0]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_object_id]]></wp:meta_key><wp:meta_value><![CDATA[7]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_object]]></wp:meta_key><wp:meta_value><![CDATA[category]]></wp:meta_value></wp:postmeta></item>
	<item><title>Sub item</title><wp:post_id>104</wp:post_id><wp:post_date><![CDATA[2020-01-01 10:00:00]]></wp:post_date>
		<wp:status><![CDATA[publish]]></wp:status><wp:menu_order>4</wp:menu_order><wp:post_type><![CDATA[nav_menu_item]]></wp:post_type>
		<category domain="nav_menu" nicename="main"><![CDATA[Main]]></category>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_type]]></wp:meta_key><wp:meta_value><![CDATA[custom]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_menu_item_parent]]></wp:meta_key><wp:meta_value><![CDATA[101]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_url]]></wp:meta_key><wp:meta_value><![CDATA[https://sub.example.org/]]></wp:meta_value></wp:postmeta></item>
	<item><title>Sub sub</title><wp:post_id>106</wp:post_id><wp:post_date><![CDATA[2020-01-01 10:00:00]]></wp:post_date>
		<wp:status><![CDATA[publish]]></wp:status><wp:menu_order>5</wp:menu_order><wp:post_type><![CDATA[nav_menu_item]]></wp:post_type>
		<category domain="nav_menu" nicename="main"><![CDATA[Main]]></category>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_type]]></wp:meta_key><wp:meta_value><![CDATA[custom]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_menu_item_parent]]></wp:meta_key><wp:meta_value><![CDATA[104]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_url]]></wp:meta_key><wp:meta_value><![CDATA[/sub/sub/]]></wp:meta_value></wp:postmeta></item>
	<item><title>Too deep</title><wp:post_id>107</wp:post_id><wp:post_date><![CDATA[2020-01-01 10:00:00]]></wp:post_date>
		<wp:status><![CDATA[publish]]></wp:status><wp:menu_order>6</wp:menu_order><wp:post_type><![CDATA[nav_menu_item]]></wp:post_type>
		<category domain="nav_menu" nicename="main"><![CDATA[Main]]></category>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_type]]></wp:meta_key><wp:meta_value><![CDATA[custom]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_menu_item_parent]]></wp:meta_key><wp:meta_value><![CDATA[106]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_url]]></wp:meta_key><wp:meta_value><![CDATA[/too/deep/]]></wp:meta_value></wp:postmeta></item>
	<item><title>Footer link</title><wp:post_id>105</wp:post_id><wp:post_date><![CDATA[2020-01-01 10:00:00]]></wp:post_date>
		<wp:status><![CDATA[publish]]></wp:status><wp:menu_order>1</wp:menu_order><wp:post_type><![CDATA[nav_menu_item]]></wp:post_type>
		<category domain="nav_menu" nicename="footer"><![CDATA[Footer]]></category>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_type]]></wp:meta_key><wp:meta_value><![CDATA[custom]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_menu_item_parent]]></wp:meta_key><wp:meta_value><![CDATA[0]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_menu_item_url]]></wp:meta_key><wp:meta_value><![CDATA[https://footer.example.org/]]></wp:meta_value></wp:postmeta></item>
</channel>
</rss>
`

// TestImportNavMenu: the export's main menu becomes the site's menu, in menu_order, with its
// page and category mapped to the imported ones and its sub-menus nested; items deeper than
// three levels and other menus are counted as skipped.
func TestImportNavMenu(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sum, err := e.importText("menus.xml", menuWXR, importer.Options{})
		must(t, err)
		if sum.MenuItems != 5 || sum.SkippedCount("menu items") != 2 {
			t.Fatalf("menu items %d, skipped %+v", sum.MenuItems, sum.Skipped)
		}
		set, err := e.st.LoadSettings(e.ctx)
		must(t, err)
		about := e.postByTitle("About")
		cats, err := e.st.ListCategories(e.ctx)
		must(t, err)
		var politics int64
		for _, c := range cats {
			if c.Slug == "politics" {
				politics = c.ID
			}
		}
		want := []broadside.MenuItem{
			{Kind: broadside.MenuPage, TargetID: about.ID},
			{Kind: broadside.MenuCategory, TargetID: politics, Label: "Our politics"},
			{Kind: broadside.MenuLink, URL: "https://donate.example.org/", Label: "Donate"},
			{Kind: broadside.MenuLink, URL: "https://sub.example.org/", Label: "Sub item", Depth: 1},
			{Kind: broadside.MenuLink, URL: "/sub/sub/", Label: "Sub sub", Depth: 2},
		}
		if len(set.Identity.Menu) != len(want) {
			t.Fatalf("menu = %+v", set.Identity.Menu)
		}
		for i, w := range want {
			if set.Identity.Menu[i] != w {
				t.Errorf("item %d = %+v, want %+v", i, set.Identity.Menu[i], w)
			}
		}
	})
}
