package render

import (
	"strings"
	"testing"
)

// typicalComment is about 500 characters of plain text with a paragraph break and a URL,
// like most comments in testdata/seed: it takes the fast path.
const typicalComment = "Understand the frustration I too contemplated leaving then decided you can’t effect " +
	"change from the outside, better within.\nYou can bet there will be changes as the Momentum " +
	"leadership has dictated changes in the past that were very unpopular, and this throwing " +
	"people under the bus at the first sign of trouble has to stop.\n\nWe need a solid grassroots " +
	"left wing group and Momentum is it, for now, but I feel that there is change in the wind. " +
	"See https://example.com/2018/09/05/nec-results/ for the figures."

// markupComment is the same comment with tags and an entity: it goes through the sanitizer.
const markupComment = "<b>Understand</b> the frustration &amp; I too contemplated leaving then decided you " +
	"can’t effect change from the outside, better within.\nYou can bet there will be changes as " +
	"the <a href=\"https://example.com/momentum\">Momentum leadership</a> has dictated changes in " +
	"the past that were very unpopular.\n\n<blockquote>We need a solid grassroots left wing group" +
	"</blockquote>\nbut I feel that there is <em>change in the wind</em>. See " +
	"https://example.com/2018/09/05/nec-results/ for the figures."

func BenchmarkComment(b *testing.B) {
	r := New()
	b.SetBytes(int64(len(typicalComment)))
	b.ReportAllocs()
	for b.Loop() {
		_ = r.Comment(typicalComment)
	}
}

func BenchmarkCommentMarkup(b *testing.B) {
	r := New()
	b.SetBytes(int64(len(markupComment)))
	b.ReportAllocs()
	for b.Loop() {
		_ = r.Comment(markupComment)
	}
}

// BenchmarkCommentBluemondayOnly is the reference: bluemonday alone on the plain comment,
// what the fast path saves.
func BenchmarkCommentBluemondayOnly(b *testing.B) {
	r := New()
	b.SetBytes(int64(len(typicalComment)))
	b.ReportAllocs()
	for b.Loop() {
		_ = r.comment.Sanitize(typicalComment)
	}
}

var typicalPost = strings.Repeat("NEC member Peter Willsman was re-elected to Labour’s National Executive "+
	"Committee on Monday, in spite of a [controversial decision](https://example.com/decision) by a "+
	"subset of officers of *Momentum* to withdraw support from him.\n\n> Thanks to all the comrades "+
	"who voted for me.\n\n", 8) + "| a | b |\n|---|---|\n| 1 | 2 |\n\n```go\nfmt.Println(1)\n```\n"

func BenchmarkPostMarkdown(b *testing.B) {
	r := New()
	b.SetBytes(int64(len(typicalPost)))
	b.ReportAllocs()
	for b.Loop() {
		_ = r.Post(FormatMarkdown, typicalPost)
	}
}
