package render

import (
	"strings"
	"testing"
)

// TestPostKeepsTextDirectionAndLanguage: dir (auto, rtl or ltr only) and lang survive on
// block and inline elements, so a Persian post displays right to left as WordPress shows it;
// any other value, or an attack hidden in one, is dropped.
func TestPostKeepsTextDirectionAndLanguage(t *testing.T) {
	r := New()
	persian := `<p dir="auto">سلام دنیا، این یک آزمایش است.</p>` +
		`<h2 dir="rtl" lang="fa">عنوان</h2><blockquote dir="RTL"><p>نقل قول</p></blockquote>` +
		`<p>English with <span dir="ltr" lang="en-GB">a phrase</span> and <em dir="auto">تأکید</em>.</p>` +
		`<ul dir="auto"><li dir="auto">یک</li></ul><div lang="zh-Hans-CN">中文</div>`
	got := string(r.Post(FormatHTML, persian))
	for _, want := range []string{`<p dir="auto">سلام دنیا`, `<h2 dir="rtl" lang="fa">`, `<blockquote dir="RTL">`,
		`<span dir="ltr" lang="en-GB">`, `<em dir="auto">`, `<ul dir="auto"><li dir="auto">`, `<div lang="zh-Hans-CN">`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
	for _, attack := range []string{
		`<p dir="auto onmouseover=alert(1)">x</p>`,
		`<p dir="rtl;background:url(javascript:alert(1))">x</p>`,
		`<p dir=auto onmouseover=alert(1)>x</p>`,
		`<p dir="&#97;uto&quot; onclick=&quot;alert(1)">x</p>`,
		`<p lang="fa&quot; onclick=&quot;alert(1)">x</p>`,
		`<p lang="<script>alert(1)</script>">x</p>`,
		`<p lang="en onmouseover=alert(1)">x</p>`,
		`<p dir="upside-down" lang="x_y">x</p>`,
	} {
		out := string(r.Post(FormatHTML, attack))
		low := strings.ToLower(out)
		if strings.Contains(low, "onmouseover") || strings.Contains(low, "onclick") || strings.Contains(low, "script") ||
			strings.Contains(low, "javascript") || strings.Contains(low, "upside") || strings.Contains(low, "x_y") {
			t.Errorf("%s -> %s", attack, out)
		}
	}
	// dir=auto written without quotes is the same attribute.
	if out := string(r.Post(FormatHTML, `<p dir=auto onmouseover=alert(1)>x</p>`)); out != `<p dir="auto">x</p>` {
		t.Errorf("unquoted: %s", out)
	}
}
