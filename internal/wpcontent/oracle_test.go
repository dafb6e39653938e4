package wpcontent

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/wxr"
)

// oddInputs are texts that exercise the corners of each of Autop's steps: unclosed and
// odd tags, <pre>, the elements whose newlines survive, comments, CRLF and lone CR,
// shortcodes, upper case, the Kelvin sign that (?i) folds to k, and long runs of what the
// scanners search for (a few hundred repetitions: the regexps are slow on longer ones; the
// scanners' own cost on long runs is BenchmarkAutopHostile's).
var oddInputs = []string{
	"", "\n", "a", "<p>", "</p>", "<p></p>", "<p> \t\n</p>", "<", ">", "<<>>", "<p", "<p><", "<br", "<br />",
	"a<br>b", "a<br/><br />b", "a<br \n/>\n\t<br>b", "<br><br><br>", "<br / >", "<br\v><br>",
	"<pre>a\n\nb</pre>", "<pre>x</pre></pre>y</pre>", "</pre><pre>", "<pre", "<pre>\n\n", "<pre wp-pre-tag-0></pre>",
	"<script>a\n\nb</script>\n\nc", "<script>x", "<style>\na\n</style>", "<svg>\n<g>\n</g>\n</svg>", "<math>\n</math>x\n",
	"<!-- a\n\nb -->", "<!--more-->", "a <!-- wpnl --> b", "<![CDATA[ a\n\nb ]]>", "<!-- unclosed\n\n",
	"<blockquote>a\n\nb</blockquote>", "<blockquote><blockquote>a\n\n<blockquote>b</blockquote></blockquote></blockquote>",
	"<P><BLOCKQUOTE class=x>q</blockquote>", "<p><bloc\u212aquote>q", "<p><blocKquote\n>q</blockquote>",
	"a\r\nb\r\n\r\nc", "a\rb\r\rc", "\r", "\r\n\r\n", "a\n \n\t\n\f\nb", "a\f\n\fb", "a\v\n\vb", " \n \n x \n \n",
	"<div>a</div>", "<p>text</div>", "<p>text</address> <p>x</form>", "<p>a<b></div>", "<div\n class='x'>a\n\nb</div>",
	"<ul><li>a</li><li>b\nc</li></ul>", "<li>a</li>\n\n<li>b</li>", "<p><li>x</p>", "<p><li</p></p>",
	"<hr>", "<hr/>", "<hr  \n />", "<hr class=x>", "<hr <hr>", "a<hr>b<hr />c", "<h1>t</h1>\n<h7>u</h7>",
	"<table><tr><td>a\n\nb</td></tr></table>", "<tablex>a</tablex>", "<pa>x</pa>", "<p >x</p >", "</ p>", "<\n/p>",
	"<option>a</option>\n<option>b</option>", "<object><param name=a>\n<embed src=b>\n</object>",
	"<video>\n<source src=a>\n<track src=b>\n</video>", "[audio]\n<source src=a>\n[/audio]",
	"<figure><img src=a>\n<figcaption>c</figcaption>\n</figure>", "<figcaption class=a>x</figcaption>\n\n",
	"[caption width=\"1\"]<img src=x> c[/caption]", "[gallery]\n\n[embed]https://x.example[/embed]",
	"<input type=text><br />\n<select>\n<option>a</option></select>",
	"x<br />  \ny", "x<br />\n<p>y", "x<br />\n</li>", "x<br /> <div>", "<br /><p <br />\n<p>", "<div><br />\n",
	"<p>\u00e9\xff\xfe<div>\xc3</div>", "\xe2\x84", "<p><bloc\xe2\x84quote>",
	strings.Repeat("\n", 10000), strings.Repeat("<", 1000), strings.Repeat("<p><li", 300),
	strings.Repeat("<p>", 300) + "<div", strings.Repeat("a\n", 1000), strings.Repeat("<br>", 301),
	strings.Repeat("<div <p ", 200) + ">\n</p>", strings.Repeat("<br />\n", 300),
}

// fixtureTexts returns the post bodies, excerpts and comments of the WordPress exports in
// testdata/wxr (WordPress's own importer fixtures among them), the seed article and the
// import benchmark's generated bodies.
func fixtureTexts(tb testing.TB) []string {
	files, err := filepath.Glob("../../testdata/wxr/*.xml")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no fixtures in testdata/wxr: %v", err)
	}
	out := []string{seedBody(tb), generatedBody(false), generatedBody(true)}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			tb.Fatal(err)
		}
		r := wxr.NewReader(fh)
		for {
			rec, err := r.Next()
			if err != nil {
				break // io.EOF, or a malformed fixture: what was read before is enough
			}
			switch v := rec.(type) {
			case *wxr.Item:
				out = append(out, v.Content, v.Excerpt)
			case *wxr.Comment:
				out = append(out, v.Content)
			}
		}
		fh.Close()
	}
	return out
}

// fuzzSeedMax is the longest input given to a fuzz target as a seed (longer ones make
// mutation slow); go test runs the seeds, and the Test functions the longer inputs, so
// every input is compared once.
const fuzzSeedMax = 2048

func TestAutopMatchesOracle(t *testing.T) {
	inputs := append(fixtureTexts(t), oddInputs...)
	if len(inputs) < 200 {
		t.Fatalf("only %d inputs: the fixtures were not read", len(inputs))
	}
	for _, in := range inputs {
		if len(in) <= fuzzSeedMax {
			continue // FuzzAutopMatchesOracle's seeds, which go test runs too
		}
		for _, br := range []bool{true, false} {
			if got, want := Autop(in, br), oracleAutop(in, br); got != want {
				t.Errorf("Autop(%.200q, %v)\n got %.300q\nwant %.300q", in, br, got, want)
			}
		}
	}
}

// FuzzAutopMatchesOracle: the scanners and the regexps agree on every input. Run it with
// go test -run '^$' -fuzz FuzzAutopMatchesOracle ./internal/wpcontent/; what it finds goes
// into testdata/fuzz/FuzzAutopMatchesOracle.
func FuzzAutopMatchesOracle(f *testing.F) {
	for _, in := range append(fixtureTexts(f), oddInputs...) {
		if len(in) <= fuzzSeedMax {
			f.Add(in, true)
			f.Add(in, false)
		}
	}
	f.Fuzz(func(t *testing.T, in string, br bool) {
		if got, want := Autop(in, br), oracleAutop(in, br); got != want {
			t.Errorf("Autop(%q, %v)\n got %q\nwant %q", in, br, got, want)
		}
	})
}

// urlInputs are the corners of the URL steps: case, ſ (which (?i) folds to s), what ends a
// URL, lines, paragraphs with attributes.
var urlInputs = []string{
	"https://a.example", "http://a.example/x?y=1&z=2\n", " \thttps://a.example \t\nx", "x https://a.example",
	"https://a.example x", "https://", "http:/a", "HTTPS://a.example", "<p>https://a.example</p>",
	"<P class=x>\n HTTP://a.example\f</P>", "<p>httpſ://a.example</p>", "<p>https://a.example\"</p>",
	"<p >https://a</p >", "<pre>https://a</pre>", "<p>https://a.example<br></p>", "<p><p>https://a</p>",
	"https://a\r\nhttps://b\rhttps://c", "https://a\vb", "<p\nclass=x>https://a</p>", "<p x>https://a</p></p>",
	"[embed]https://x.example/v[/embed]", "[embed src=\"https://x.example\"][/embed] [[embed]]",
	"<a href='https://a'>\nhttps://b\n</a>", strings.Repeat("<p ", 300) + ">https://a</p>",
	strings.Repeat("https://a.example/\n", 100),
}

func TestConvertMatchesOracle(t *testing.T) {
	inputs := append(append(fixtureTexts(t), oddInputs...), urlInputs...)
	for _, in := range inputs {
		if len(in) <= fuzzSeedMax {
			continue // FuzzConvertMatchesOracle's seeds
		}
		got, want := Convert(in, ctx), oracleConvert(in, ctx)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Convert(%.200q)\n got %.300q\nwant %.300q", in, got, want)
		}
		if got, want := linkURLs(in), oracleURLSteps(in); got != want {
			t.Errorf("URL steps (%.200q)\n got %.300q\nwant %.300q", in, got, want)
		}
	}
}

// FuzzConvertMatchesOracle: Convert (scanners) and oracleConvert (regexps) agree.
func FuzzConvertMatchesOracle(f *testing.F) {
	for _, in := range append(append(fixtureTexts(f), oddInputs...), urlInputs...) {
		if len(in) <= fuzzSeedMax {
			f.Add(in)
		}
	}
	f.Fuzz(func(t *testing.T, in string) {
		if got, want := Convert(in, ctx), oracleConvert(in, ctx); !reflect.DeepEqual(got, want) {
			t.Errorf("Convert(%q)\n got %q\nwant %q", in, got, want)
		}
		if got, want := linkURLs(in), oracleURLSteps(in); got != want {
			t.Errorf("URL steps (%q)\n got %q\nwant %q", in, got, want)
		}
	})
}
