package render

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestPostMarkdown(t *testing.T) {
	r := New()
	src := "# The NEC result\n\nIntro with **bold**, ~~struck~~ and a [link](https://example.com/a) and a [relative one](/about/).\n\n" +
		"| Candidate | Votes |\n|:--|--:|\n| Willsman | 70,000 |\n\n" +
		"```go\nfmt.Println(\"<b>\")\n```\n\n" +
		"Visit www.example.org today.\n\nA claim.[^1]\n\n[^1]: The source.\n\n" +
		"> quoted\n\n- one\n- two\n\n![A chart](https://example.com/c.png \"Chart\")\n"
	out := string(r.Post(FormatMarkdown, src))
	for _, want := range []string{
		`<h1 id="the-nec-result">The NEC result</h1>`,
		`<strong>bold</strong>`,
		`<del>struck</del>`,
		`<a href="https://example.com/a" rel="noopener">link</a>`,
		`<a href="/about/">relative one</a>`,
		`<table>`, `<th align="left">Candidate</th>`, `<td align="right">70,000</td>`,
		`<pre><code class="language-go">fmt.Println(&#34;&lt;b&gt;&#34;)`,
		`<a href="http://www.example.org" rel="noopener">www.example.org</a>`,
		`<sup id="fnref:1"><a class="footnote-ref" href="#fn:1" role="doc-noteref">1</a></sup>`,
		`<div class="footnotes" role="doc-endnotes">`,
		`<blockquote>`, `<li>one</li>`,
		`<img src="https://example.com/c.png" alt="A chart" title="Chart"/>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "nofollow") {
		t.Errorf("authors' links must not be nofollow:\n%s", out)
	}
	if reason := unsafeReason(out, false); reason != "" {
		t.Error(reason)
	}
	if reason := balancedReason(out); reason != "" {
		t.Error(reason)
	}
}

func TestPostHTML(t *testing.T) {
	r := New()
	src := `<figure class="wp-block-image"><img src="/wp-content/uploads/willsman.jpg" alt="Peter Willsman" width="640" height="360" loading="lazy" style="border:0" class="wp-image-1" srcset="a.jpg 1x"><figcaption>willsman</figcaption></figure>
<h2 id="statement" style="color:red">Statement</h2>
<p>Text with <a href="https://skwawkbox.org/" target="_blank" rel="nofollow">a link</a>.</p>
<blockquote cite="https://example.com/src"><p>Quoted</p></blockquote>
<pre class="wp-block-code"><code class="language-php hljs">echo 1;</code></pre>
<iframe src="https://www.youtube.com/embed/x"></iframe>
<table><tr><td colspan="2">cell</td></tr></table>
<p>unclosed <b>bold`
	out := string(r.Post(FormatHTML, src))
	for _, want := range []string{
		`<figure><img src="/wp-content/uploads/willsman.jpg" alt="Peter Willsman" width="640" height="360" loading="lazy"/><figcaption>willsman</figcaption></figure>`,
		`<h2 id="statement">Statement</h2>`,
		`<a href="https://skwawkbox.org/" rel="noopener">a link</a>`,
		`<blockquote cite="https://example.com/src"><p>Quoted</p></blockquote>`,
		`<pre><code>echo 1;</code></pre>`, // "language-php hljs" is not a single language class
		`<td colspan="2">cell</td>`,
		`<p>unclosed <b>bold</b></p>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	for _, bad := range []string{"iframe", "style=", "class=", "srcset", "target=", "nofollow"} {
		if strings.Contains(out, bad) {
			t.Errorf("%q survived:\n%s", bad, out)
		}
	}
}

func TestPostRemovesMoreMarker(t *testing.T) {
	r := New()
	for _, format := range []string{FormatMarkdown, FormatHTML} {
		out := string(r.Post(format, "Teaser.\n\n<!--more-->\n\nThe rest."))
		if strings.Contains(out, "more") || strings.Contains(out, "<!--") {
			t.Errorf("%s: marker survived: %q", format, out)
		}
		if !strings.Contains(out, "Teaser.") || !strings.Contains(out, "The rest.") {
			t.Errorf("%s: text lost: %q", format, out)
		}
	}
	if out := string(r.Post(FormatHTML, "a<!--more Read on-->b")); out != "ab" {
		t.Errorf("custom more text: %q", out)
	}
}

func TestPostEmpty(t *testing.T) {
	r := New()
	if out := r.Post(FormatMarkdown, ""); out != "" {
		t.Errorf("%q", out)
	}
	if out := r.Post(FormatHTML, "  "); strings.TrimSpace(string(out)) != "" {
		t.Errorf("%q", out)
	}
}

func TestExcerpt(t *testing.T) {
	r := New()
	tests := []struct {
		format, raw string
		max         int
		want        string
	}{
		{FormatMarkdown, "Hello **world** &amp; friends\n\n<!--more-->\n\nhidden words", 10, "Hello world & friends"},
		{FormatMarkdown, "one two three four", 2, "one two…"},
		{FormatMarkdown, "one, two, three", 2, "one, two…"},
		{FormatMarkdown, "one two three", 3, "one two three"},
		{FormatMarkdown, "one two three", 0, "one two three"},
		{FormatMarkdown, "# Title\n\nBody[^1] text.\n\n[^1]: a note", 10, "Title Body text."},
		{FormatHTML, "<p>Caf&eacute; &amp; bar</p><p>Second&nbsp;para</p>", 10, "Café & bar Second para"},
		{FormatHTML, "<p>First</p><!--more Read the rest--><p>Second</p>", 10, "First"},
		{FormatHTML, "<script>alert(1)</script><p>Safe <b>text</b></p>", 10, "Safe text"},
		{FormatHTML, "a&lt;b&gt;c", 10, "a<b>c"},
	}
	for _, tt := range tests {
		if got := r.Excerpt(tt.format, tt.raw, tt.max); got != tt.want {
			t.Errorf("Excerpt(%s, %q, %d) = %q, want %q", tt.format, tt.raw, tt.max, got, tt.want)
		}
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"<p>a</p><p>b</p>", "a b"},
		{"x<br>y<br/>z", "x y z"},
		{"<b>bo</b>ld", "bold"},
		{"  lots \n of\t space ", "lots of space"},
		{"Tom &amp; Jerry &lt;3 &#8217;", "Tom & Jerry <3 ’"},
		{"<script>var x = '<p>';</script>after", "after"},
		{"<style>p{}</style><h1>T</h1><ul><li>1</li><li>2</li></ul>", "T 1 2"},
		{`<p>x<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup></p><div class="footnotes"><ol><li>note</li></ol></div>`, "x"},
		{"unclosed <b>tag", "unclosed tag"},
	}
	for _, tt := range tests {
		if got := PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// One Renderer serves every request; run with -race.
func TestConcurrentUse(t *testing.T) {
	r := New()
	inputs := append([]string{"plain comment\n\nhttp://example.com/", "# Md\n\n| a |\n|---|\n| b |"}, attacks...)
	want := make([]string, len(inputs))
	for i, in := range inputs {
		want[i] = string(r.Comment(in)) + string(r.Post(FormatMarkdown, in)) + r.Excerpt(FormatHTML, in, 5)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, in := range inputs {
				got := string(r.Comment(in)) + string(r.Post(FormatMarkdown, in)) + r.Excerpt(FormatHTML, in, 5)
				if got != want[i] {
					errs <- fmt.Sprintf("input %d differs under concurrency", i)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
