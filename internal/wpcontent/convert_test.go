package wpcontent

import (
	"reflect"
	"strings"
	"testing"
)

var media = map[int64]Media{
	10: {ID: 10, URL: "https://example.com/wp-content/uploads/a.jpg", Alt: "An apple", MimeType: "image/jpeg", Caption: "Fresh"},
	11: {ID: 11, URL: "https://example.com/wp-content/uploads/b.jpg", Title: "Banana", MimeType: "image/jpeg", MenuOrder: 2},
	12: {ID: 12, URL: "https://example.com/wp-content/uploads/c.jpg", Title: "Cherry", MimeType: "image/jpeg", MenuOrder: 1},
	13: {ID: 13, URL: "https://example.com/wp-content/uploads/song.mp3", Title: "Song", MimeType: "audio/mpeg"},
}

var ctx = Context{
	PostID: 5,
	Media:  func(id int64) (Media, bool) { m, ok := media[id]; return m, ok },
	Attached: func(post int64) []Media {
		if post != 5 {
			return nil
		}
		return []Media{media[10], media[11], media[12], media[13]}
	},
}

func TestConvertCaption(t *testing.T) {
	in := `Before

[caption id="attachment_906" align="aligncenter" width="580"]<img src="x.jpg" alt="X" width="580" height="300" /> Look at <a href="https://w.org/">this</a> caption.[/caption]

After`
	got := Convert(in, ctx).HTML
	want := "<p>Before</p>\n" +
		`<figure id="attachment_906" class="wp-caption aligncenter"><img src="x.jpg" alt="X" width="580" height="300" /><figcaption class="wp-caption-text">Look at <a href="https://w.org/">this</a> caption.</figcaption></figure>` +
		"\n<p>After</p>\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// The old caption attribute, and a linked image.
	got = Convert(`[caption id="attachment_612" width="640" caption="Chunk of husk"]<a href="big.jpg"><img src="s.jpg" alt="husk" /></a>[/caption]`, ctx).HTML
	want = `<figure id="attachment_612" class="wp-caption"><a href="big.jpg"><img src="s.jpg" alt="husk" /></a><figcaption class="wp-caption-text">Chunk of husk</figcaption></figure>` + "\n"
	if got != want {
		t.Errorf("caption attribute:\n got %s\nwant %s", got, want)
	}
	// No width: just the image, as WordPress does.
	if got := Convert(`[caption]<img src="s.jpg" alt="" /> Cap[/caption]`, ctx).HTML; got != "<img src=\"s.jpg\" alt=\"\" />\n" {
		t.Errorf("no width: %q", got)
	}
}

func TestConvertGallery(t *testing.T) {
	got := Convert("[gallery columns=\"3\"]", ctx).HTML
	// Images attached to the post, by menu order then id; the mp3 is not an image.
	want := `<ul class="gallery">` +
		`<li class="gallery-item"><figure><a href="https://example.com/wp-content/uploads/a.jpg"><img src="https://example.com/wp-content/uploads/a.jpg" alt="An apple" loading="lazy"></a><figcaption>Fresh</figcaption></figure></li>` +
		`<li class="gallery-item"><figure><a href="https://example.com/wp-content/uploads/c.jpg"><img src="https://example.com/wp-content/uploads/c.jpg" alt="Cherry" loading="lazy"></a></figure></li>` +
		`<li class="gallery-item"><figure><a href="https://example.com/wp-content/uploads/b.jpg"><img src="https://example.com/wp-content/uploads/b.jpg" alt="Banana" loading="lazy"></a></figure></li>` +
		`</ul>` + "\n"
	if got != want {
		t.Errorf("gallery:\n got %s\nwant %s", got, want)
	}
	res := Convert(`Intro [gallery ids="11,99" link="none"] outro`, ctx)
	if !strings.Contains(res.HTML, `<p>Intro <ul class="gallery"><li class="gallery-item"><figure><img src="https://example.com/wp-content/uploads/b.jpg" alt="Banana" loading="lazy"></figure></li></ul> outro</p>`) {
		t.Errorf("inline gallery with ids: %s", res.HTML)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "attachment 99") {
		t.Errorf("notes = %v", res.Notes)
	}
}

func TestConvertEmbedsAndMedia(t *testing.T) {
	in := "Watch:\n\nhttps://www.youtube.com/watch?v=nwe-H6l4beM&t=1\n\n[embed width=\"500\"]https://vimeo.com/22439234[/embed]\n\n" +
		"Text with https://inline.example/ stays.\n\n[audio mp3=\"https://example.com/a%20b.mp3\"][/audio]\n\n[audio]\n\n[audio https://x.example/song.mp3]"
	got := Convert(in, ctx).HTML
	for _, want := range []string{
		`<p><a href="https://www.youtube.com/watch?v=nwe-H6l4beM&amp;t=1">https://www.youtube.com/watch?v=nwe-H6l4beM&amp;t=1</a></p>`,
		`<p><a href="https://vimeo.com/22439234">https://vimeo.com/22439234</a></p>`,
		`<p>Text with https://inline.example/ stays.</p>`,
		`<p><a href="https://example.com/a%20b.mp3">a%20b.mp3</a></p>`,
		`<p><a href="https://example.com/wp-content/uploads/song.mp3">song.mp3</a></p>`,
		`<p><a href="https://x.example/song.mp3">song.mp3</a></p>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
	if strings.Contains(got, "<iframe") {
		t.Error("an iframe was produced")
	}
}

func TestConvertUnknownAndEscaped(t *testing.T) {
	res := Convert("[contact-form-7 id=\"1\" title=\"Contact\"]\n\n[[gallery]] is how you write a gallery.\n\n"+
		"Footnote [1] and [sic] stay.\n\n[tabs][tab]A[/tab][/tabs]", ctx)
	if !reflect.DeepEqual(res.Unknown, []string{"contact-form-7", "tabs", "tab"}) {
		t.Errorf("unknown = %v", res.Unknown)
	}
	for _, want := range []string{`[contact-form-7 id="1" title="Contact"]`, "<p>[gallery] is how you write a gallery.</p>",
		"Footnote [1] and [sic] stay.", "[tabs][tab]A[/tab][/tabs]"} {
		if !strings.Contains(res.HTML, want) {
			t.Errorf("missing %q in %s", want, res.HTML)
		}
	}
}

func TestConvertMoreAndBlocks(t *testing.T) {
	got := Convert("Teaser line\n\nmore teaser<!--more Read on-->Rest\n\nof it", ctx).HTML
	want := "<p>Teaser line</p>\n<p>more teaser</p>\n" + MoreMarker + "<p>Rest</p>\n<p>of it</p>\n"
	if got != want {
		t.Errorf("more:\n got %q\nwant %q", got, want)
	}
	// Block-editor content is not autop'd (WordPress does not either), but URLs alone on a
	// line inside an embed block still become links.
	blocks := "<!-- wp:paragraph -->\n<p>One\ntwo</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:embed {\"url\":\"https://youtu.be/x\"} -->\n" +
		"<figure class=\"wp-block-embed\"><div class=\"wp-block-embed__wrapper\">\nhttps://youtu.be/x\n</div></figure>\n<!-- /wp:embed -->"
	got = Convert(blocks, ctx).HTML
	if !strings.Contains(got, "<p>One\ntwo</p>") || !strings.Contains(got, "\n<a href=\"https://youtu.be/x\">https://youtu.be/x</a>\n") {
		t.Errorf("blocks: %s", got)
	}
}

func TestParseAttrs(t *testing.T) {
	got := parseAttrs(` id="a b" Align='left' width=300 "pos one" 'pos two' bare`)
	want := map[string]string{"id": "a b", "align": "left", "width": "300", "0": "pos one", "1": "pos two", "2": "bare"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("attrs = %v", got)
	}
}

func FuzzConvert(f *testing.F) {
	f.Add("[caption width=\"1\"]<img src=x> c[/caption]\n\n[gallery ids=\"10,x\"]<pre>a\n\nb</pre>")
	f.Add("[[caption]] [caption [gallery] <!--more--> https://x.example\n")
	f.Fuzz(func(t *testing.T, s string) {
		_ = Convert(s, ctx)
		_ = Autop(s, true)
	})
}
