package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// setSiteLanguage chooses the site language in Settings → General.
func setSiteLanguage(a *actor, code string) {
	a.t.Helper()
	a.open("/admin/settings")
	a.do("choose the site language "+code, chromedp.SetValue(chromedp.CSS(`select[name="language"]`), code))
	a.load("save the settings", chromedp.Click(chromedp.CSS(`form[action="/admin/settings"] button[type="submit"]`)))
	if got := eval[string](a, `document.querySelector('select[name="language"]').value`); got != code {
		a.fatalf("the site language reads %q after saving, want %q (errors: %q)", got, code, a.formErrors())
	}
}

// glyphsDrawn says whether the browser draws the characters of text with real glyphs in the
// font of the element sel: each character is painted on a canvas in that font, and a missing
// font draws every character as the same empty box, so two different characters painting the
// same pixels (or none) means the script does not render.
func glyphsDrawn(a *actor, sel, text string) bool {
	a.t.Helper()
	return eval[bool](a, `(() => {
	  const el = document.querySelector(`+jsString(sel)+`);
	  if (!el) return false;
	  const font = getComputedStyle(el).font;
	  const chars = [...new Set(Array.from(`+jsString(text)+`).filter(c => c.trim() !== ''))]; // distinct characters
	  const paint = (c) => {
	    const cv = document.createElement('canvas'); cv.width = 64; cv.height = 64;
	    const g = cv.getContext('2d'); g.font = font; g.fillStyle = '#000'; g.textBaseline = 'top';
	    if (g.measureText(c).width <= 0) return null;
	    g.fillText(c, 4, 4);
	    const px = g.getImageData(0, 0, 64, 64).data;
	    let s = '', ink = 0;
	    for (let i = 3; i < px.length; i += 4) { s += px[i] > 127 ? '1' : '0'; if (px[i] > 127) ink++; }
	    return ink > 0 ? s : null;
	  };
	  const seen = new Set();
	  for (const c of chars.slice(0, 4)) { const p = paint(c); if (p === null) return false; seen.add(p); }
	  return seen.size === Math.min(chars.length, 4);
	})()`)
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", "$", `\$`)
	return "`" + r.Replace(s) + "`"
}

// threadSel is the first comment of the page that has replies.
const threadSel = `.comment-list > li.comment:has(> ol.children)`

// box is an element's rectangle on the page.
type box struct{ Left, Right, Top, Width float64 }

func rect(a *actor, expr string) box {
	a.t.Helper()
	b := eval[*box](a, `(() => { const e = `+expr+`; if (!e) return null; const r = e.getBoundingClientRect();
	  return {Left: r.left, Right: r.right, Top: r.top, Width: r.width}; })()`)
	if b == nil {
		a.fatalf("no element for %s", expr)
	}
	return *b
}

// TestRTLAndCJKPages: with the site language set to Persian, the post page with its threaded
// discussion is right to left — <html dir=rtl>, replies indent from the right, the Reply link
// sits on the right of its comment — and its Persian text is drawn with real glyphs; set to
// Simplified Chinese, the page says lang=zh-CN and its Chinese text is drawn with real glyphs.
// Screenshots of both are kept as artifacts (BROADSIDE_E2E_ARTIFACTS to keep them).
func TestRTLAndCJKPages(t *testing.T) {
	t.Parallel()
	s, b := setup(t)
	admin := newActor(t, b, s, "administrator")
	signIn(admin)
	reader := newActor(t, b, s, "reader")
	post := firstPostPath(reader)

	setSiteLanguage(admin, "fa")
	reader.open(post)
	if got := eval[string](reader, `document.documentElement.lang + ' ' + document.documentElement.dir + ' ' + getComputedStyle(document.body).direction`); got != "fa rtl rtl" {
		reader.fatalf("lang, dir and direction of the Persian page = %q", got)
	}
	if title := reader.text("#reply-title-text"); title != "دیدگاهتان را بنویسید" {
		reader.fatalf("the comment form's title is %q", title)
	}
	// The first comment that has replies, and its first reply.
	parent := `document.querySelector('` + threadSel + `')`
	child := parent + `.querySelector(':scope > ol.children > li.comment')`
	pb, cb := rect(reader, parent), rect(reader, child)
	if pb.Right-cb.Right < 10 {
		reader.fatalf("the reply is not indented from the right: parent %+v, reply %+v", pb, cb)
	}
	if d := cb.Left - pb.Left; d < -2 || d > 2 {
		reader.fatalf("the reply's left edge moved (%.1fpx): parent %+v, reply %+v", d, pb, cb)
	}
	body := rect(reader, parent+`.querySelector(':scope > .comment-body')`)
	link := rect(reader, parent+`.querySelector(':scope > .comment-body .comment-reply-link')`)
	if link.Left < body.Left+body.Width/2 {
		reader.fatalf("the Reply link is on the left of its comment: link %+v, comment %+v", link, body)
	}
	if !glyphsDrawn(reader, "#reply-title-text", "دیدگاهتان") {
		reader.fatalf("Persian text is not drawn with real glyphs (install a font with Arabic script, e.g. fonts-dejavu-core)")
	}
	// The check itself: characters no font has (private use) must not pass for drawn text.
	if glyphsDrawn(reader, "#reply-title-text", "\uE000\uE001\uE002") {
		reader.fatalf("the glyph check takes missing glyphs for drawn ones")
	}
	reader.screenshot("post-fa.png", "")
	reader.screenshot("thread-fa.png", threadSel)

	setSiteLanguage(admin, "zh-CN")
	reader.open(post)
	if got := eval[string](reader, `document.documentElement.lang + ' ' + document.documentElement.dir`); got != "zh-CN ltr" {
		reader.fatalf("lang and dir of the Chinese page = %q", got)
	}
	if title := reader.text("#reply-title-text"); title != "发表回复" {
		reader.fatalf("the comment form's title is %q", title)
	}
	if w := rect(reader, `document.querySelector('#reply-title-text')`).Width; w <= 0 {
		reader.fatalf("the Chinese form title has no width")
	}
	if !glyphsDrawn(reader, "#reply-title-text", "发表回复") {
		reader.fatalf("Chinese text is not drawn with real glyphs: install a CJK font (Debian: fonts-wqy-microhei or fonts-noto-cjk; .ci/run does)")
	}
	pb, cb = rect(reader, parent), rect(reader, child)
	if cb.Left-pb.Left < 10 {
		reader.fatalf("a left-to-right reply is not indented from the left: parent %+v, reply %+v", pb, cb)
	}
	reader.screenshot("post-zh-CN.png", "")
	reader.screenshot("thread-zh-CN.png", threadSel)
}
