package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// warnsOnLeave reports whether leaving the page now would ask first: the editor's
// beforeunload handler cancels the event when there are unsaved changes.
const warnsOnLeave = `(() => { const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented; })()`

// TestEditorButtonsAndLeaveWarning: in a real browser the editor's main button follows the
// publish date (Publish, Schedule), leaving with unsaved changes asks first and saving does
// not, and Enter in a field saves a draft rather than publishing.
func TestEditorButtonsAndLeaveWarning(t *testing.T) {
	t.Parallel()
	s, browser := setup(t)
	admin := newActor(t, browser, s, "admin")
	signIn(admin)

	admin.open("/admin/posts/new?type=post")
	if got := admin.text("#primary-action"); got != "Publish" {
		admin.fatalf("main button of a new post is %q, want Publish", got)
	}
	if eval[bool](admin, warnsOnLeave) {
		admin.fatalf("an untouched editor warns before leaving")
	}
	admin.do("type a title", chromedp.SendKeys(chromedp.CSS("#title"), "Half written"))
	if !eval[bool](admin, warnsOnLeave) {
		admin.fatalf("leaving with unsaved changes does not warn")
	}

	// A date next year makes the main button Schedule; clearing it makes it Publish again.
	setDate := func(v string) {
		eval[bool](admin, `(() => { const d = document.getElementById('published_at');
			d.value = '`+v+`'; d.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`)
	}
	next := eval[string](admin, `String(new Date().getFullYear() + 1) + '-06-01T09:00'`)
	setDate(next)
	if got, val := admin.text("#primary-action"), eval[string](admin, `document.getElementById('primary-action').value`); got != "Schedule" || val != "schedule" {
		admin.fatalf("with a future date the main button is %q (%s), want Schedule", got, val)
	}
	setDate("")
	if got := admin.text("#primary-action"); got != "Publish" {
		admin.fatalf("with no date the main button is %q, want Publish", got)
	}

	// Enter in the title saves (a draft: the Status control's value), never publishes, and
	// the page it leads to does not warn.
	admin.load("press Enter in the title", chromedp.SendKeys(chromedp.CSS("#title"), "\r"))
	if flash := admin.flash(); !strings.Contains(flash, "Draft saved") {
		admin.fatalf("after Enter the notice is %q (errors: %q)", flash, admin.formErrors())
	}
	if eval[bool](admin, warnsOnLeave) {
		admin.fatalf("the saved editor warns before leaving")
	}
	if got := admin.text("#primary-action"); got != "Publish" {
		admin.fatalf("main button of a draft is %q, want Publish", got)
	}
	admin.load("click Publish", chromedp.Click(chromedp.CSS("#primary-action")))
	if flash := admin.flash(); !strings.Contains(flash, "Post published") {
		admin.fatalf("after Publish the notice is %q (errors: %q)", flash, admin.formErrors())
	}
	if got := admin.text("#primary-action"); got != "Update" {
		admin.fatalf("main button of a published post is %q, want Update", got)
	}
}
