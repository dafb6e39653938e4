package wpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Content sent by a WordPress client means what WordPress makes of it: a blank line starts a
// paragraph and a single newline is a line break (wpautop), in content.rendered and on the page.
func TestAPIContentGetsWordPressParagraphs(t *testing.T) {
	s := newSite(t)
	api := s.as(s.Admin)
	r := api(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{"title": "Paras", "status": "publish",
		"content": "Line one.\n\nLine two\nsame para."})
	wantStatus(t, r, http.StatusCreated)
	content, _ := r.obj()["content"].(map[string]any)
	rendered, _ := content["rendered"].(string)
	if !strings.Contains(rendered, "<p>Line one.</p>\n<p>Line two<br") || !strings.Contains(rendered, ">\nsame para.</p>") {
		t.Fatalf("content.rendered = %q", rendered)
	}
	if content["raw"] != "Line one.\n\nLine two\nsame para." {
		t.Fatalf("content.raw = %q, want the text as sent", content["raw"])
	}
	page := s.get(strings.TrimPrefix(r.obj()["link"].(string), s.Srv.URL))
	if !strings.Contains(page.Raw, "<p>Line one.</p>") {
		t.Fatalf("the page does not show the paragraphs:\n%.2000s", page.Raw)
	}
	// An update that sends new text formats it the same way; {raw} too.
	id := num(r.obj()["id"])
	r = api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", id), map[string]any{"content": map[string]any{"raw": "A\n\nB"}})
	wantStatus(t, r, http.StatusOK)
	content, _ = r.obj()["content"].(map[string]any)
	if rendered, _ := content["rendered"].(string); !strings.Contains(rendered, "<p>A</p>\n<p>B</p>") {
		t.Fatalf("updated content.rendered = %q", rendered)
	}
	// Markup a client already formatted is left as it is.
	r = api(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{"title": "Blocks",
		"content": "<!-- wp:paragraph -->\n<p>Block one</p>\n<!-- /wp:paragraph -->"})
	wantStatus(t, r, http.StatusCreated)
	content, _ = r.obj()["content"].(map[string]any)
	if rendered, _ := content["rendered"].(string); strings.Contains(rendered, "<p><p>") || strings.Count(rendered, "<p>") != 1 {
		t.Fatalf("block content.rendered = %q", rendered)
	}
}
