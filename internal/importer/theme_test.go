package importer_test

import (
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/importer"
)

const tutd = "themeunittestdata.wordpress.xml"

// TestThemeUnitTestData imports WordPress's theme unit test data in full.
func TestThemeUnitTestData(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sum := e.importFile(tutd, importer.Options{})
		// 56 published posts, 1 future (scheduled here) and 1 draft.
		if sum.Posts.New != 58 || sum.Statuses["scheduled"] != 1 || sum.Pages.New != 21 || sum.Attachments.New != 37 {
			t.Fatalf("posts %+v pages %+v attachments %+v statuses %v", sum.Posts, sum.Pages, sum.Attachments, sum.Statuses)
		}
		if sum.Statuses["published"] != 56+21 || sum.Statuses["draft"] != 1 {
			t.Errorf("statuses = %v", sum.Statuses)
		}
		// 68 categories, one of them merged with our "Uncategorized" ("6.1" is declared
		// twice, as a <wp:category> and as a <wp:term>). 110 declared tags, and 4 more that
		// posts use without the file declaring them (sample, columns, content, test-tag),
		// which WordPress's importer creates too.
		if sum.Authors.New != 2 || sum.Categories.New != 67 || sum.Categories.Existing != 1 || sum.Tags.New != 114 {
			t.Errorf("authors %+v categories %+v tags %+v", sum.Authors, sum.Categories, sum.Tags)
		}
		if sum.Comments.New != 29 || sum.Pingbacks.New != 2 || sum.Trackbacks.New != 2 {
			t.Errorf("comments %+v pingbacks %+v trackbacks %+v", sum.Comments, sum.Pingbacks, sum.Trackbacks)
		}
		if sum.CommentStatuses["pending"] != 3 || sum.CommentStatuses["approved"] != 30 {
			t.Errorf("comment statuses = %v", sum.CommentStatuses)
		}
		// The largest menu's top-level items become the site's menu; every other of the 70
		// nav_menu_items is accounted for, as skipped or as a warning.
		menuWarnings := 0
		for _, w := range sum.Warnings {
			if w.Kind == "menu item" {
				menuWarnings++
			}
		}
		if n := sum.SkippedCount("menu items"); sum.MenuItems == 0 || n+sum.MenuItems+menuWarnings != 70 {
			t.Errorf("nav_menu_items: %d in the menu, %d skipped, %d warned of; want 70 in all (%+v)", sum.MenuItems, n, menuWarnings, sum.Skipped)
		}
		if !sum.Permalinks.Adopted || sum.Permalinks.Inferred != "/%year%/%monthnum%/%day%/%postname%/" {
			t.Errorf("permalinks = %+v", sum.Permalinks)
		}
		locked := e.postByTitle(`Template: Password Protected (the password is "enter")`)
		if locked.Password != "enter" || !locked.Protected() {
			t.Errorf("password = %q", locked.Password)
		}
		sticky := 0
		for _, p := range e.all() {
			if p.Sticky {
				sticky++
			}
		}
		if sticky != 1 {
			t.Errorf("%d sticky posts, want 1", sticky)
		}
		// The 10-level thread is stored with its threading.
		thread := e.postByTitle("Template: Comments")
		cs := e.comments(thread.ID)
		byID := map[int64]broadside.Comment{}
		for _, c := range cs {
			byID[c.ID] = c
		}
		deepest := 0
		for _, c := range cs {
			d := 1
			for p := c.ParentID; p != 0 && d < 50; p = byID[p].ParentID {
				d++
			}
			deepest = max(deepest, d)
		}
		if len(cs) != 20 || deepest != 10 {
			t.Errorf("Template: Comments has %d comments %d levels deep, want 20 and 10", len(cs), deepest)
		}
		// The featured images came from _thumbnail_id.
		withImage := 0
		for _, p := range e.all() {
			if p.FeaturedImageURL != "" {
				withImage++
				if p.FeaturedImageAlt == "" {
					t.Errorf("%q has a featured image without alt text", p.Title)
				}
			}
		}
		if withImage == 0 {
			t.Error("no featured image imported")
		}
		if len(sum.WarningsAbout("unknown shortcode")) == 0 {
			t.Log("no unknown shortcodes reported")
		}
	})
}

// TestReimportIsIdempotent: the same file again adds nothing and changes nothing.
func TestReimportIsIdempotent(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.importFile(tutd, importer.Options{})
		before := e.snapshot()
		sum := e.importFile(tutd, importer.Options{})
		if sum.Posts.New+sum.Pages.New+sum.Attachments.New+sum.Comments.New+sum.Pingbacks.New+sum.Trackbacks.New+
			sum.Categories.New+sum.Tags.New+sum.Authors.New != 0 {
			t.Fatalf("a re-run created things: %+v", sum)
		}
		if sum.Posts.Existing != 58 || sum.Comments.Existing != 29 || sum.Attachments.Existing != 37 {
			t.Errorf("existing = posts %+v comments %+v attachments %+v", sum.Posts, sum.Comments, sum.Attachments)
		}
		if after := e.snapshot(); after != before {
			t.Errorf("a re-run changed the database:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// TestDryRun reports what an import would do and writes nothing.
func TestDryRun(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		before := e.snapshot()
		dry, err := e.svc.ImportFile(e.ctx, fixture(tutd), importer.Options{DryRun: true})
		must(t, err)
		if after := e.snapshot(); after != before {
			t.Fatalf("a dry run wrote:\nbefore %s\nafter  %s", before, after)
		}
		if !dry.DryRun || e.changed != 0 {
			t.Errorf("dry run flagged %v, changed %d", dry.DryRun, e.changed)
		}
		real := e.importFile(tutd, importer.Options{})
		if dry.Posts != real.Posts || dry.Comments != real.Comments || dry.Categories != real.Categories ||
			dry.WarningsTotal != real.WarningsTotal {
			t.Errorf("dry run %+v differs from the real import %+v", dry, real)
		}
	})
}
