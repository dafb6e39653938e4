package wpcontent

import (
	"strings"
	"testing"
)

// The expected outputs are WordPress's, from its own wpautop tests
// (tests/phpunit/tests/formatting/wpAutop.php) and from running wpautop.
func TestAutopBasics(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"  \n\t ", ""},
		{"a", "<p>a</p>\n"},
		{"a\nb", "<p>a<br />\nb</p>\n"},
		{"a\n\nb", "<p>a</p>\n<p>b</p>\n"},
		{"a\r\n\r\nb\r\nc", "<p>a</p>\n<p>b<br />\nc</p>\n"},
		{"a\n\n\n\nb", "<p>a</p>\n<p>b</p>\n"},
		{"a<br><br>b", "<p>a</p>\n<p>b</p>\n"},
		{"a<br />\nb", "<p>a<br />\nb</p>\n"},
		{"<blockquote>foo</blockquote>", "<blockquote><p>foo</p></blockquote>\n"},
		{"a<div>b</div>", "<p>a</p>\n<div>b</div>\n"},
		{"Hello <a\nhref='world'>", "<p>Hello <a\nhref='world'></p>\n"},
		{"Hello <!-- a\nhref='world' -->", "<p>Hello <!-- a\nhref='world' --></p>\n"},
		{"Hello <![CDATA[ <!-- a\nhttps://youtu.be/jgz0uSaOZbE\n a\n9 ]]>", "<p>Hello <![CDATA[ <!-- a\nhttps://youtu.be/jgz0uSaOZbE\n a\n9 ]]></p>\n"},
		{"<ul>\n<li>one</li>\n<li>two</li>\n</ul>", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"},
		{"line<hr />after", "<p>line</p>\n<hr />\n<p>after</p>\n"},
		{"<script>a\nb</script>", "<p><script>a\nb</script></p>\n"},
		{"x<br />  \ny", "<p>x<br /> <br />\ny</p>\n"},
	}
	for _, c := range cases {
		if got := Autop(c.in, true); got != c.want {
			t.Errorf("Autop(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestAutopFirstPost(t *testing.T) {
	in := "Welcome to WordPress!  This post contains important information.\n\nFirst things first:\n" +
		"<ul>\n<li><a href=\"%1$s\" title=\"Subscribe\">Subscribe to the mailing list</a></li>\n</ul>\n" +
		"As a subscriber, you will receive an email.\n\nIf you are a Scheduled post, you're a superstar."
	want := "<p>Welcome to WordPress!  This post contains important information.</p>\n<p>First things first:</p>\n" +
		"<ul>\n<li><a href=\"%1$s\" title=\"Subscribe\">Subscribe to the mailing list</a></li>\n</ul>\n" +
		"<p>As a subscriber, you will receive an email.</p>\n<p>If you are a Scheduled post, you're a superstar.</p>"
	if got := strings.TrimSpace(Autop(in, true)); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestAutopPre(t *testing.T) {
	code := "func main() {\n\n\tfmt.Println(\"&lt;hi&gt;\")\n}"
	str := "<pre>" + code + "</pre>"
	if got := strings.TrimSpace(Autop(str, true)); got != str {
		t.Errorf("pre alone: %q", got)
	}
	str = "Look at this code\n\n<pre>" + code + "</pre>\n\nIsn't that cool?"
	want := "<p>Look at this code</p>\n<pre>" + code + "</pre>\n<p>Isn't that cool?</p>"
	if got := strings.TrimSpace(Autop(str, true)); got != want {
		t.Errorf("pre between paragraphs:\n got %q\nwant %q", got, want)
	}
	str = "Look at this code\n\n<pre>Line1<br />Line2<br>Line3<br/>Line4\nActual Line 2\nActual Line 3</pre>\n\nCool, huh?"
	want = "<p>Look at this code</p>\n<pre>Line1<br />Line2<br>Line3<br/>Line4\nActual Line 2\nActual Line 3</pre>\n<p>Cool, huh?</p>"
	if got := strings.TrimSpace(Autop(str, true)); got != want {
		t.Errorf("pre with breaks:\n got %q\nwant %q", got, want)
	}
}

func TestAutopInputElements(t *testing.T) {
	str := `Username: <input type="text" id="username" name="username" /><br />Password: <input type="password" id="password1" name="password1" />`
	if got := strings.TrimSpace(Autop(str, true)); got != "<p>"+str+"</p>" {
		t.Errorf("got %q", got)
	}
}

func TestAutopBlocksAreBlocks(t *testing.T) {
	blocks := []string{"table", "thead", "tfoot", "caption", "col", "colgroup", "tbody", "tr", "td", "th", "div",
		"dl", "dd", "dt", "ul", "ol", "li", "pre", "form", "map", "area", "address", "style", "p", "h1", "h2", "h3",
		"h4", "h5", "h6", "fieldset", "legend", "section", "article", "aside", "hgroup", "header", "footer",
		"nav", "figure", "details", "menu", "summary"}
	var content, selfClosing, withAttr []string
	for _, b := range blocks {
		content = append(content, "<"+b+">foo</"+b+">")
		selfClosing = append(selfClosing, "<"+b+"/>")
		withAttr = append(withAttr, "<"+b+" attr='value'>foo</"+b+">")
	}
	want := strings.Join(content, "\n")
	if got := strings.TrimSpace(Autop(strings.Join(content, "\n\n"), true)); got != want {
		t.Errorf("blocks separated by blank lines:\n got %q\nwant %q", got, want)
	}
	if got := strings.TrimSpace(Autop(strings.Join(content, ""), true)); got != want {
		t.Errorf("blocks run together:\n got %q\nwant %q", got, want)
	}
	if got, want := strings.TrimSpace(Autop(strings.Join(selfClosing, ""), true)), strings.Join(selfClosing, "\n"); got != want {
		t.Errorf("self-closing blocks:\n got %q\nwant %q", got, want)
	}
	if got, want := strings.TrimSpace(Autop(strings.Join(withAttr, ""), true)), strings.Join(withAttr, "\n"); got != want {
		t.Errorf("blocks with attributes:\n got %q\nwant %q", got, want)
	}
}

func TestAutopNoBR(t *testing.T) {
	if got := Autop("a\nb\n\nc", false); got != "<p>a\nb</p>\n<p>c</p>\n" {
		t.Errorf("got %q", got)
	}
}

// TestAutopIdempotent: most content that already went through wpautop comes out unchanged
// when it goes through again. (Not all: a <blockquote> gains newlines inside. That is why
// our exports mark their content as final HTML, see internal/importer.)
func TestAutopIdempotent(t *testing.T) {
	for _, in := range []string{
		"a\nb\n\nc",
		"Intro\n\n<ul>\n<li>x</li>\n</ul>\n\n<pre>code\n\nmore</pre>\n\nend",
		"<h2>Title</h2>\nText with <em>emphasis</em>\nand a break.\n\n<figure><img src=\"a.jpg\" alt=\"\"><figcaption>Cap</figcaption></figure>",
	} {
		once := Autop(in, true)
		if twice := Autop(once, true); twice != once {
			t.Errorf("not idempotent for %q:\nonce  %q\ntwice %q", in, once, twice)
		}
	}
}
