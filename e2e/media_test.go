package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/broadside/broadside/internal/testimg"
)

// TestEditorUploadsFeaturedImage: in a real browser an author uploads a photo from the post
// editor's picker (the REST API's upload, with its progress bar), the picker makes it the
// featured image, the author types its alt text, inserts the same image into the body at the
// cursor, publishes, and the post page shows both images, served with 200.
func TestEditorUploadsFeaturedImage(t *testing.T) {
	t.Parallel()
	s, browser := setup(t)
	admin := newActor(t, browser, s, "admin")
	signIn(admin)
	photo := testimg.File(t, "willsman.jpg", 640, 480)

	admin.open("/admin/posts/new?type=post")
	admin.do("write the post",
		chromedp.SendKeys(chromedp.CSS("#title"), "The willsman, photographed"),
		chromedp.SendKeys(chromedp.CSS("#body"), "Before the picture.\n\nAfter the picture."))
	if eval[bool](admin, `document.getElementById('choose-featured').offsetParent === null`) {
		admin.fatalf("the editor shows no Upload or choose from library button")
	}

	admin.do("open the picker", chromedp.Click(chromedp.CSS("#choose-featured")))
	admin.waitFor("the picker is open", `document.getElementById('media-picker').open`)
	admin.do("choose the photo to upload", chromedp.SetUploadFiles(chromedp.CSS("#mp-file"), []string{photo}))
	admin.waitFor("the upload sets the featured image", `document.getElementById('featured_media').value !== ''`)
	if eval[bool](admin, `document.getElementById('media-picker').open`) {
		admin.fatalf("the picker is still open after the upload")
	}
	url := eval[string](admin, `document.getElementById('featured_image_url').value`)
	if !strings.HasPrefix(url, "/wp-content/uploads/") || !strings.HasSuffix(url, ".jpg") {
		admin.fatalf("the featured image URL is %q, want an uploaded .jpg", url)
	}
	admin.waitFor("the preview shows the photo", `(() => { const i = document.getElementById('featured-preview');
		return !i.hidden && i.complete && i.naturalWidth > 0; })()`)
	admin.do("type the alt text", chromedp.SendKeys(chromedp.CSS("#featured_image_alt"), "willsman"))

	// Insert the same image between the two paragraphs: the cursor goes after the first one.
	eval[bool](admin, `(() => { const b = document.getElementById('body'); const i = b.value.indexOf('\n\n') + 2;
		b.focus(); b.setSelectionRange(i, i); return true; })()`)
	admin.do("open the picker to insert", chromedp.Click(chromedp.CSS("#insert-media")))
	admin.waitFor("the library lists the photo", `document.querySelectorAll('#mp-list .media-choice').length === 1`)
	admin.do("choose the photo", chromedp.Click(chromedp.CSS("#mp-list .media-choice")))
	body := eval[string](admin, `document.getElementById('body').value`)
	if want := "Before the picture.\n\n![](" + url + ")After the picture."; body != want {
		admin.fatalf("the body after inserting reads %q, want %q", body, want)
	}

	admin.load("publish", chromedp.Click(chromedp.CSS("#primary-action")))
	if flash := admin.flash(); !strings.Contains(flash, "Post published") {
		admin.fatalf("after Publish the notice is %q (errors: %q)", flash, admin.formErrors())
	}
	if got := eval[string](admin, `document.getElementById('featured_media').value`); got == "" {
		admin.fatalf("the saved post lost its featured media id")
	}
	href := eval[string](admin, `document.getElementById('permalink').href`)
	admin.load("open the post", chromedp.Navigate(href))
	// The sizes are made by a job after the upload; the page shows them once they exist. The
	// tab fetches the page (with the admin's cookies) until it has them and then loads it once:
	// reloading it every half second cost a navigation each and up to half a second of waiting.
	const srcset = `.querySelector('.featured-image img')?.getAttribute('srcset') ?? ''`
	if eval[string](admin, `document`+srcset) == "" {
		ctx, cancel := context.WithTimeout(admin.ctx, 3*time.Minute)
		defer cancel()
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](
			`(() => { const x = new XMLHttpRequest(); x.open('GET', location.href, false); x.send();
				return new DOMParser().parseFromString(x.responseText, 'text/html')`+srcset+` !== '' })()`,
			chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(3*time.Minute)))
		if err != nil {
			admin.fatalf("the featured image never got a srcset: its sizes were not made (%v)", err)
		}
		admin.load("reload the post", chromedp.Navigate(href))
	}
	expectServedImage(admin, ".featured-image img", "willsman")
	expectServedImage(admin, ".entry-content img", "")
}

// expectServedImage checks the first image matching sel on the current page: its alt text,
// that it loaded, that its src answers 200 with an image type, that it has width and height,
// and that it has a srcset whose every candidate answers 200 too.
func expectServedImage(a *actor, sel, alt string) {
	a.t.Helper()
	if n := eval[int](a, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)); n == 0 {
		a.fatalf("the page has no image %s", sel)
	}
	if got := eval[string](a, fmt.Sprintf(`document.querySelector(%q).getAttribute('alt') ?? ''`, sel)); got != alt {
		a.fatalf("the image %s has alt %q, want %q", sel, got, alt)
	}
	a.waitFor("the image "+sel+" loads", fmt.Sprintf(`(() => { const i = document.querySelector(%q); return i.complete && i.naturalWidth > 0; })()`, sel))
	// A synchronous request: the status of the very URL the page uses, without the cache.
	status := func(u string) string {
		return eval[string](a, fmt.Sprintf(`(() => { const x = new XMLHttpRequest(); x.open('GET', %q, false);
			x.setRequestHeader('Cache-Control', 'no-cache'); x.send(); return x.status + ' ' + x.getResponseHeader('Content-Type'); })()`, u))
	}
	src := eval[string](a, fmt.Sprintf(`document.querySelector(%q).currentSrc || document.querySelector(%q).src`, sel, sel))
	if got := status(src); !strings.HasPrefix(got, "200 image/") {
		a.fatalf("the image %s (%s) answers %q, want 200 with an image type", sel, src, got)
	}
	if w := eval[string](a, fmt.Sprintf(`document.querySelector(%q).getAttribute('width') ?? ''`, sel)); w == "" {
		a.fatalf("the image %s has no width", sel)
	}
	if h := eval[string](a, fmt.Sprintf(`document.querySelector(%q).getAttribute('height') ?? ''`, sel)); h == "" {
		a.fatalf("the image %s has no height", sel)
	}
	srcset := eval[string](a, fmt.Sprintf(`document.querySelector(%q).getAttribute('srcset') ?? ''`, sel))
	if srcset == "" {
		a.fatalf("the image %s has no srcset", sel)
	}
	for _, c := range strings.Split(srcset, ",") {
		if f := strings.Fields(c); len(f) > 0 {
			if got := status(f[0]); !strings.HasPrefix(got, "200 image/") {
				a.fatalf("the srcset candidate %s of %s answers %q", f[0], sel, got)
			}
		}
	}
}

// TestMediaLibraryScript: Admin → Media with its script: several files chosen at once go up
// in one request with a progress bar, a bad file among them is named while the good one is
// kept, and a file dropped on the upload box or pasted into the page is uploaded too.
func TestMediaLibraryScript(t *testing.T) {
	t.Parallel()
	s, browser := setup(t)
	admin := newActor(t, browser, s, "admin")
	signIn(admin)
	good := testimg.File(t, "willsman.jpg", 300, 200)
	bad := filepath.Join(t.TempDir(), "bad.jpg")
	if err := os.WriteFile(bad, []byte("<html><script>alert(1)</script></html>"), 0o644); err != nil {
		t.Fatal(err)
	}

	admin.open("/admin/media")
	if eval[bool](admin, `document.querySelector('#media-drop [data-needs-js]').hidden`) {
		admin.fatalf("the drop hint is hidden with the script on")
	}
	// Record the progress bar's highest value: the page is replaced when the upload ends.
	eval[bool](admin, `(() => { sessionStorage.setItem('progress', '0');
		const send = XMLHttpRequest.prototype.send;
		XMLHttpRequest.prototype.send = function (b) {
			// Added after the page's own listener, so it reads the value that one set.
			this.upload.addEventListener('progress', () => {
				const p = document.getElementById('upload-progress');
				sessionStorage.setItem('progress', String(Math.max(+sessionStorage.getItem('progress'), p.hidden ? -1 : p.value)));
			});
			return send.call(this, b);
		};
		return true; })()`)
	admin.do("choose two files", chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{good, bad}))
	admin.do("upload them", chromedp.Click(chromedp.CSS(`#media-upload-form button[type="submit"]`)))
	admin.waitFor("the answer names the refused file", `(document.getElementById('upload-errors')?.textContent ?? '').includes('bad.jpg')`)
	if got := admin.text("#uploaded"); !strings.Contains(got, "willsman.jpg") {
		admin.fatalf("the answer lists %q as uploaded, want willsman.jpg", got)
	}
	if got := eval[string](admin, `sessionStorage.getItem('progress')`); got != "100" {
		admin.fatalf("the progress bar reached %s, want 100", got)
	}

	// Drop a file on the upload box, then paste one: each goes up and the library shows it.
	const png = `Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg=='), c => c.charCodeAt(0))`
	give := func(how, name, event string) {
		admin.t.Helper()
		eval[bool](admin, `(() => { const dt = new DataTransfer();
			dt.items.add(new File([`+png+`], '`+name+`.png', {type: 'image/png'}));
			`+event+`; return true; })()`)
		admin.waitFor(how+" uploads the file", `[...document.querySelectorAll('.media-grid .media-name')].some(e => e.textContent.trim() === '`+name+`')`)
		if flash := admin.flash(); !strings.Contains(flash, "1 file uploaded") {
			admin.fatalf("after the %s the notice is %q", how, flash)
		}
	}
	give("drop", "dropped", `document.getElementById('media-drop').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}))`)
	give("paste", "pasted", `document.body.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}))`)
	if got := admin.location().Path; got != "/admin/media" {
		admin.fatalf("after the uploads the address is %s, want /admin/media", got)
	}
}
