package e2e

import (
	"strings"
	"testing"

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

	// Preview shows the unsaved title on the real public page. The button opens it in a new
	// tab (formtarget=_blank); the test follows it in this tab, which chromedp drives more
	// reliably, after checking the button asks for a new tab.
	if tgt := eval[string](admin, `document.getElementById('preview-button').getAttribute('formtarget') ?? ''`); tgt != "_blank" {
		admin.fatalf("Preview does not open a new tab (formtarget %q)", tgt)
	}
	eval[bool](admin, `(() => { document.getElementById('title').value = 'Unsaved preview title';
		document.getElementById('preview-button').removeAttribute('formtarget'); return true; })()`)
	admin.load("click Preview", chromedp.Click(chromedp.CSS("#preview-button")))
	if title := eval[string](admin, `document.title`); !strings.Contains(title, "Unsaved preview title") {
		admin.fatalf("the preview's title is %q", title)
	}
	if n := eval[int](admin, `document.querySelectorAll('.site-header').length`); n == 0 {
		admin.fatalf("the preview is not the public page (no site header)")
	}
	if robots := eval[string](admin, `document.querySelector('meta[name=robots]')?.content ?? ''`); !strings.Contains(robots, "noindex") {
		admin.fatalf("the preview may be indexed: robots %q", robots)
	}
	reader.open(live)
	if title := eval[string](reader, `document.title`); strings.Contains(title, "Unsaved preview title") {
		reader.fatalf("the preview was published: %q", title)
	}
}
