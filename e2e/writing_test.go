package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// TestAutosaveAfterReloadAndPreview: in a real browser, edits to a published post are
// autosaved (the indicator says so) without changing the live post; after a reload the
// editor offers the autosave, and restoring and updating publishes it. Preview opens the
// real public page of the unsaved version in a new tab.
func TestAutosaveAfterReloadAndPreview(t *testing.T) {
	t.Parallel()
	s, browser := setup(t)
	admin := newActor(t, browser, s, "admin")
	signIn(admin)

	admin.open("/admin/posts/new?type=post")
	admin.do("write a post",
		chromedp.SendKeys(chromedp.CSS("#title"), "Autosave story"),
		chromedp.SendKeys(chromedp.CSS("#body"), "The first version."))
	// The new post becomes a draft by itself: the address turns into its editor's.
	admin.waitFor("the new post was saved as a draft", `document.getElementById('autosave-status').textContent.includes('Draft saved')`)
	if p := admin.location().Path; !strings.HasPrefix(p, "/admin/posts/") || p == "/admin/posts/new" {
		admin.fatalf("after the first autosave the address is %s", p)
	}
	admin.load("publish", chromedp.Click(chromedp.CSS("#primary-action")))
	if flash := admin.flash(); !strings.Contains(flash, "Post published") {
		admin.fatalf("after Publish the notice is %q (errors: %q)", flash, admin.formErrors())
	}
	editor := admin.location().Path
	live := eval[string](admin, `document.getElementById('permalink').getAttribute('href')`)

	// Edit the published post and wait for the autosave indicator.
	admin.do("edit the title", chromedp.Focus(chromedp.CSS("#title")))
	eval[bool](admin, `(() => { const t = document.getElementById('title'); t.value = 'Autosave story (edited)';
		t.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`) // as typing does
	admin.waitFor("the edits were autosaved", `document.getElementById('autosave-status').textContent.includes('Autosaved at')`)

	// A reload (or a crash) loses nothing: the editor offers the autosave.
	admin.open(editor)
	if v := eval[string](admin, `document.getElementById('title').value`); v != "Autosave story" {
		admin.fatalf("after the reload the editor shows %q, want the saved title", v)
	}
	if msg := admin.text("#autosave-prompt"); !strings.Contains(msg, "There is an autosave of this post that is more recent than the version below.") {
		admin.fatalf("no autosave prompt after the reload: %q", msg)
	}
	// Readers still see the live post.
	reader := newActor(t, browser, s, "reader")
	reader.open(live)
	if title := eval[string](reader, `document.title`); strings.Contains(title, "(edited)") {
		reader.fatalf("the autosave changed the live post: %q", title)
	}

	admin.load("restore the autosave", chromedp.Click(chromedp.CSS("#autosave-restore")))
	if v := eval[string](admin, `document.getElementById('title').value`); v != "Autosave story (edited)" {
		admin.fatalf("restoring the autosave put %q in the title", v)
	}
	admin.load("update", chromedp.Click(chromedp.CSS("#primary-action")))
	reader.open(live)
	if title := eval[string](reader, `document.title`); !strings.Contains(title, "Autosave story (edited)") {
		reader.fatalf("after Update readers see %q", title)
	}

	// Preview shows the unsaved title on the real public page, in a new tab named after the
	// post as WordPress names it (wp-preview-ID), so previewing again reuses that tab.
	postID := strings.TrimPrefix(editor, "/admin/posts/")
	if tgt := eval[string](admin, `document.getElementById('preview-button').getAttribute('formtarget') ?? ''`); tgt != "wp-preview-"+postID {
		admin.fatalf("Preview does not open the post's preview tab (formtarget %q, want wp-preview-%s)", tgt, postID)
	}
	// The browser is shared by the package's tests: the new tab must be one this tab opened.
	opener := chromedp.FromContext(admin.ctx).Target.TargetID
	newTab := chromedp.WaitNewTarget(admin.ctx, func(info *target.Info) bool {
		return info.OpenerID == opener && info.Type == "page" && info.URL != "" && info.URL != "about:blank"
	})
	eval[bool](admin, `(() => { document.getElementById('title').value = 'Unsaved preview title'; return true; })()`)
	admin.do("click Preview", chromedp.Click(chromedp.CSS("#preview-button")))
	var tabID target.ID
	select {
	case tabID = <-newTab:
	case <-time.After(30 * time.Second):
		admin.fatalf("clicking Preview opened no new tab within 30 s")
	}
	tabCtx, closeTab := chromedp.NewContext(admin.ctx, chromedp.WithTargetID(tabID))
	defer closeTab()
	preview := &actor{t: t, name: "admin's preview tab", ctx: tabCtx, base: admin.base, artifacts: admin.artifacts}
	// This tab was attached after it opened, so it is checked with one polled predicate: the
	// unsaved title on the public page (site header), kept out of search engines.
	preview.waitFor("the preview: the unsaved title on the public page, noindex", `document.readyState === 'complete' &&
		document.title.includes('Unsaved preview title') && document.querySelectorAll('.site-header').length > 0 &&
		(document.querySelector('meta[name=robots]')?.content ?? '').includes('noindex')`)
	// The editor stays where it was, with the unsaved title still in the field.
	if v := eval[string](admin, `document.getElementById('title').value`); v != "Unsaved preview title" || admin.location().Path != editor {
		admin.fatalf("after Preview the editor is at %s with title %q", admin.location().Path, v)
	}
	reader.open(live)
	if title := eval[string](reader, `document.title`); strings.Contains(title, "Unsaved preview title") {
		reader.fatalf("the preview was published: %q", title)
	}
}
