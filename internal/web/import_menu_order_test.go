package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/importer"
)

// TestImportedPageOrder: WordPress's menu_order comes in with the pages, orders the header's
// page list (then titles, as wp_list_pages does), is the REST API's menu_order (and
// orderby=menu_order), is written back by the export, and is edited in the page editor.
func TestImportedPageOrder(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	page := func(id, title, order string) string {
		return wxrItem(map[string]string{"title": title, "post_id": id, "post_name": strings.ToLower(title), "post_type": "page",
			"menu_order": order, "link": "http://example.org/" + strings.ToLower(title) + "/", "content": title + "."}, "")
	}
	ta.importWXR(writeWXR(t, "http://example.org", page("10", "Alpha", "3")+page("11", "Beta", "1")+page("12", "Gamma", "2")+
		page("13", "Delta", "2")), importer.Options{})
	for title, want := range map[string]int{"Alpha": 3, "Beta": 1, "Gamma": 2, "Delta": 2} {
		if p := ta.titled(title); p.MenuOrder != want {
			t.Errorf("%s: menu_order %d, want %d", title, p.MenuOrder, want)
		}
	}
	// The header lists the pages by order, then title.
	home := ta.browser().get("/")
	wantOK(t, home)
	pos := func(s string) int { return strings.Index(home.Body, ">"+s+"</a>") }
	if !(pos("Beta") >= 0 && pos("Beta") < pos("Delta") && pos("Delta") < pos("Gamma") && pos("Gamma") < pos("Alpha")) {
		t.Errorf("header order: Beta %d, Delta %d, Gamma %d, Alpha %d", pos("Beta"), pos("Delta"), pos("Gamma"), pos("Alpha"))
	}
	// REST: the field, and ordering by it.
	status, body := ta.api(nil, http.MethodGet, "/wp/v2/pages?orderby=menu_order&order=asc", nil)
	if status != http.StatusOK {
		t.Fatalf("pages: %d %v", status, body)
	}
	var got []string
	for _, p := range body.([]any) {
		m := p.(map[string]any)
		got = append(got, fmt.Sprintf("%v:%v", m["title"].(map[string]any)["rendered"], m["menu_order"]))
	}
	if strings.Join(got, " ") != "Beta:1 Delta:2 Gamma:2 Alpha:3" {
		t.Errorf("orderby=menu_order: %v", got)
	}
	admin := ta.user("admin@example.org", broadside.RoleAdmin)
	alpha := ta.titled("Alpha")
	status, body = ta.api(admin, http.MethodPost, fmt.Sprintf("/wp/v2/pages/%d", alpha.ID), map[string]any{"menu_order": 7})
	if status != http.StatusOK || body.(map[string]any)["menu_order"] != float64(7) {
		t.Fatalf("update menu_order: %d %v", status, body)
	}
	status, _ = ta.api(admin, http.MethodPost, fmt.Sprintf("/wp/v2/pages/%d", alpha.ID), map[string]any{"menu_order": "first"})
	if status != http.StatusBadRequest {
		t.Errorf("menu_order \"first\": %d, want 400", status)
	}
	// The export writes it back.
	var out bytes.Buffer
	if err := ta.App.WordPress.Export(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "<wp:menu_order>7</wp:menu_order>") || !strings.Contains(out.String(), "<wp:menu_order>2</wp:menu_order>") {
		t.Errorf("the export lost menu_order")
	}
	// The page editor shows and saves it, and refuses what is not a number.
	b := ta.signIn(admin)
	beta := ta.titled("Beta")
	if r := b.get(fmt.Sprintf("/admin/posts/%d", beta.ID)); !strings.Contains(r.Body, `name="menu_order" type="number" inputmode="numeric" step="1" value="1"`) {
		t.Errorf("the editor does not show the order")
	}
	form := url.Values{"title": {"Beta"}, "status": {"published"}, "parent": {"0"}, "body": {"Beta."}, "menu_order": {"9"}}
	if r := b.post(fmt.Sprintf("/admin/posts/%d", beta.ID), form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	if p, _ := ta.App.Posts.Get(context.Background(), beta.ID); p.MenuOrder != 9 {
		t.Errorf("saved menu_order %d", p.MenuOrder)
	}
	form.Set("menu_order", "soon")
	if r := b.post(fmt.Sprintf("/admin/posts/%d", beta.ID), form); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "whole number") {
		t.Errorf("a bad order: %d", r.StatusCode)
	}
}
