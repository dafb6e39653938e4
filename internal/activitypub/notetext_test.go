package activitypub

import "testing"

// TestNoteText: a Note's HTML becomes the markup a reader would type in the comment form:
// paragraphs and line breaks, allowed inline tags without attributes, links whose text is
// their address as bare addresses (counted once, as typed), mentions and hashtags as text,
// the opening mention of our own actor left out; scripts and styles dropped with their text.
func TestNoteText(t *testing.T) {
	t.Parallel()
	const base = "https://blog.example"
	for _, tc := range []struct{ in, want string }{
		{`<p>One</p><p>Two<br>three</p>`, "One\n\nTwo\nthree"},
		{`<p><span class="h-card" translate="no"><a href="https://blog.example/" class="u-url mention">@<span>blog</span></a></span> Hello</p>`, "Hello"},
		{`<p>Hi <span class="h-card"><a href="https://social.example/@bob" class="u-url mention">@<span>bob</span></a></span> and <a href="https://social.example/tags/go" class="mention hashtag" rel="tag">#<span>go</span></a></p>`,
			"Hi @bob and #go"},
		{`<p><a href="https://example.org/a/long/path" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span><span class="ellipsis">example.org/a/long</span><span class="invisible">/path</span></a></p>`,
			"https://example.org/a/long/path"},
		{`<p><a href="https://example.org/" title="t" onclick="x()">a site</a></p>`, `<a href="https://example.org/">a site</a>`},
		{`<p><strong class="x">bold</strong> <em>em</em> <span>plain</span></p>`, "<strong>bold</strong> <em>em</em> plain"},
		{`<p>a<script>alert(1)</script>b<style>p{}</style></p>`, "ab"},
		{`<p>1 &lt; 2 &amp;&amp; Q&amp;A &amp;lt;</p>`, "1 &lt; 2 && Q&amp;A &amp;lt;"},
		{`<p>Not ours: <a href="https://blog.example.evil/" class="u-url mention">@x</a></p>`, "Not ours: @x"},
	} {
		if got := NoteText(tc.in, base); got != tc.want {
			t.Errorf("NoteText(%s)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}
