package wpapi

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/broadside/broadside/internal/render"
)

// FuzzAppendString: every string comes back from encoding/json exactly (invalid UTF-8 as
// U+FFFD, as encoding/json does), and nothing unescaped breaks the JSON.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "tab\tnew\nline\r", "\x00\x1f\x7f", "é ü 😀",
		"\u2028\u2029", "bad \xff utf-8 \xc3", "<script>&amp;</script>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%q encodes to invalid JSON %s: %v", s, b, err)
		}
		want := strings.ToValidUTF8(s, "\uFFFD")
		if !utf8.ValidString(s) {
			// encoding/json replaces each invalid byte; ToValidUTF8 replaces runs.
			var w strings.Builder
			for i := 0; i < len(s); {
				r, n := utf8.DecodeRuneInString(s[i:])
				w.WriteRune(r)
				i += n
			}
			want = w.String()
		}
		if got != want {
			t.Fatalf("%q round-trips to %q", s, got)
		}
		if strings.ContainsAny(string(b), "\u2028\u2029") {
			t.Fatalf("line separators left raw in %s", b)
		}
	})
}

func TestAppendJSON(t *testing.T) {
	v := obj{{"id", int64(7)}, {"ok", true}, {"tags", []int64{1, 2}}, {"names", []string{"a<b"}},
		{"nested", []obj{{{"href", "https://x/?a=1&b=2"}}}}, {"any", []any{nil, 1.5, "s"}}, {"m", map[string]int{"z": 1}}}
	b, err := appendJSON(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":7,"ok":true,"tags":[1,2],"names":["a<b"],"nested":[{"href":"https://x/?a=1&b=2"}],"any":[null,1.5,"s"],"m":{"z":1}}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
}

// TestExcerptMatchesRender: the excerpt cut from an already rendered body is the one
// render.Excerpt makes from the source.
func TestExcerptMatchesRender(t *testing.T) {
	r := render.New()
	for _, body := range []string{
		"", "Short body.", strings.Repeat("word, ", 80), "# Title\n\n" + strings.Repeat("Some *text* with [a link](https://x.example). ", 20),
		"<p>HTML &amp; entities</p>" + strings.Repeat(" more words —", 60),
	} {
		for _, format := range []string{render.FormatMarkdown, render.FormatHTML} {
			want := r.Excerpt(format, body, excerptWords)
			got := firstWords(render.PlainText(string(r.Post(format, body))), excerptWords)
			if got != want {
				t.Errorf("%s %q:\n got %q\nwant %q", format, body, got, want)
			}
		}
	}
}
