package wpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
)

// schema is one table of testdata/wpapi (see its SOURCES.md): WordPress's documented fields
// of an endpoint per context.
type schema struct {
	Endpoint    string                         `json:"endpoint"`
	Contexts    map[string][]string            `json:"contexts"`
	Types       map[string]string              `json:"types"`
	Nested      map[string]map[string][]string `json:"nested"`
	Links       []string                       `json:"links"`
	Embeddable  []string                       `json:"embeddable"`
	NeverPublic []string                       `json:"never_public"`
}

func loadSchema(t *testing.T, name string) schema {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "wpapi", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var s schema
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s.json: %v", name, err)
	}
	return s
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sorted(xs []string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)
	return out
}

func jsonType(v any) string {
	switch v.(type) {
	case float64:
		return "integer"
	case string:
		return "string"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// checkItem compares one item with the schema for context.
func checkItem(t *testing.T, sc schema, context string, item map[string]any) {
	t.Helper()
	// Fields named broadside_… are Broadside's documented additions, as a plugin's
	// register_rest_field adds its own; WordPress's fields must all be there as they are.
	var got []string
	for _, k := range keys(item) {
		if !strings.HasPrefix(k, "broadside_") {
			got = append(got, k)
		}
	}
	want := sorted(append(append([]string{}, sc.Contexts[context]...), "_links"))
	if context == "embed" && !containsKey(item, "_links") {
		want = sorted(sc.Contexts[context])
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s (%s): top-level keys differ from WordPress's schema (-want +got):\n%s", sc.Endpoint, context, d)
	}
	for k, typ := range sc.Types {
		v, ok := item[k]
		if !ok || typ == "any" {
			continue
		}
		if jt := jsonType(v); jt != typ && !(jt == "null" && (k == "date" || k == "date_gmt")) {
			t.Errorf("%s (%s): %s is %s, want %s", sc.Endpoint, context, k, jt, typ)
		}
	}
	for k, byCtx := range sc.Nested {
		want, ok := byCtx[context]
		if !ok {
			continue
		}
		inner, _ := item[k].(map[string]any)
		if d := cmp.Diff(sorted(want), keys(inner)); d != "" {
			t.Errorf("%s (%s): keys of %s differ (-want +got):\n%s", sc.Endpoint, context, k, d)
		}
	}
	if links, ok := item["_links"].(map[string]any); ok {
		for _, rel := range sc.Links {
			if _, has := links[rel]; !has {
				t.Errorf("%s (%s): _links has no %q: %v", sc.Endpoint, context, rel, keys(links))
			}
		}
		for _, rel := range sc.Embeddable {
			first, _ := links[rel].([]any)
			if len(first) == 0 || first[0].(map[string]any)["embeddable"] != true {
				t.Errorf("%s: _links.%s is not embeddable", sc.Endpoint, rel)
			}
		}
	}
}

func containsKey(m map[string]any, k string) bool { _, ok := m[k]; return ok }

// TestSchemas fetches every endpoint in every context and compares each item with the
// WordPress handbook's schema tables.
func TestSchemas(t *testing.T) {
	s := newSite(t)
	admin := s.as(s.Admin)
	editor := s.user("editor@example.org", broadside.RoleEditor)
	cat := &broadside.Category{Name: "Politics", Description: "The news"}
	if err := s.App.Posts.SaveCategory(t.Context(), cat, s.Admin); err != nil {
		t.Fatal(err)
	}
	child := &broadside.Category{Name: "Local", ParentID: cat.ID}
	if err := s.App.Posts.SaveCategory(t.Context(), child, s.Admin); err != nil {
		t.Fatal(err)
	}
	s.publish(editor, "Tagged", "Words", func(in *posts.Input) { in.Tags = []string{"Labour", "NEC"}; in.CategoryIDs = []int64{child.ID} })
	page := s.publish(s.Admin, "About", "About us", func(in *posts.Input) { in.Type = broadside.TypePage })
	s.publish(s.Admin, "Team", "The team", func(in *posts.Input) { in.Type = broadside.TypePage; in.ParentID = page.ID })

	cases := []struct {
		name, list, item string
		contexts         []string
	}{
		{"posts", "/wp-json/wp/v2/posts", fmt.Sprintf("/wp-json/wp/v2/posts/%d", s.Seed.ID), []string{"view", "edit", "embed"}},
		{"pages", "/wp-json/wp/v2/pages", fmt.Sprintf("/wp-json/wp/v2/pages/%d", page.ID), []string{"view", "edit", "embed"}},
		{"categories", "/wp-json/wp/v2/categories", fmt.Sprintf("/wp-json/wp/v2/categories/%d", child.ID), []string{"view", "edit", "embed"}},
		{"tags", "/wp-json/wp/v2/tags", "", []string{"view", "edit", "embed"}},
		{"users", "/wp-json/wp/v2/users", fmt.Sprintf("/wp-json/wp/v2/users/%d", s.Admin.ID), []string{"view", "edit", "embed"}},
		{"comments", "/wp-json/wp/v2/comments?post=" + fmt.Sprint(s.Seed.ID), "", []string{"view", "edit", "embed"}},
		{"search", "/wp-json/wp/v2/search?search=the", "", []string{"view", "embed"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc := loadSchema(t, tc.name)
			for _, ctx := range tc.contexts {
				sep := "?"
				if strings.Contains(tc.list, "?") {
					sep = "&"
				}
				var r *reply
				if ctx == "edit" {
					r = admin(http.MethodGet, tc.list+sep+"context=edit", nil)
				} else {
					r = s.get(tc.list + sep + "context=" + ctx)
				}
				wantStatus(t, r, http.StatusOK)
				if len(r.list()) == 0 {
					t.Fatalf("%s: empty list", tc.list)
				}
				for _, it := range r.list() {
					checkItem(t, sc, ctx, it.(map[string]any))
				}
				if tc.item != "" && ctx != "embed" {
					var one *reply
					if ctx == "edit" {
						one = admin(http.MethodGet, tc.item+"?context=edit", nil)
					} else {
						one = s.get(tc.item)
					}
					wantStatus(t, one, http.StatusOK)
					checkItem(t, sc, ctx, one.obj())
				}
			}
			// What is never public never appears without edit rights.
			r := s.get(tc.list)
			for _, it := range r.list() {
				for _, k := range sc.NeverPublic {
					if containsKey(it.(map[string]any), k) {
						t.Errorf("%s: %q is visible to anonymous readers", tc.list, k)
					}
				}
			}
		})
	}
}

// TestIndex checks /wp-json/ and its route map, the namespace index and discovery.
func TestIndex(t *testing.T) {
	s := newSite(t)
	for _, path := range []string{"/wp-json/", "/wp-json", "/?rest_route=/"} {
		r := s.get(path)
		wantStatus(t, r, http.StatusOK)
		m := r.obj()
		for _, k := range []string{"name", "description", "url", "home", "gmt_offset", "timezone_string", "namespaces", "authentication", "routes", "_links"} {
			if !containsKey(m, k) {
				t.Errorf("%s: index has no %q", path, k)
			}
		}
		if m["url"] != s.Srv.URL || fmt.Sprint(m["namespaces"]) != "[wp/v2]" {
			t.Errorf("%s: url %v namespaces %v", path, m["url"], m["namespaces"])
		}
		auth := m["authentication"].(map[string]any)["application-passwords"].(map[string]any)["endpoints"].(map[string]any)
		if auth["authorization"] != s.Srv.URL+"/admin/profile" {
			t.Errorf("authorization endpoint = %v", auth["authorization"])
		}
		routes := m["routes"].(map[string]any)
		for _, rt := range []string{"/", "/wp/v2", "/wp/v2/posts", `/wp/v2/posts/(?P<id>[\d]+)`, "/wp/v2/pages", `/wp/v2/pages/(?P<id>[\d]+)`,
			"/wp/v2/categories", `/wp/v2/categories/(?P<id>[\d]+)`, "/wp/v2/tags", `/wp/v2/tags/(?P<id>[\d]+)`, "/wp/v2/users",
			`/wp/v2/users/(?P<id>[\d]+)`, "/wp/v2/users/me", "/wp/v2/comments", `/wp/v2/comments/(?P<id>[\d]+)`, "/wp/v2/search"} {
			entry, ok := routes[rt].(map[string]any)
			if !ok {
				t.Errorf("%s: route %s missing", path, rt)
				continue
			}
			if entry["namespace"] == nil || entry["methods"] == nil || entry["endpoints"] == nil {
				t.Errorf("route %s: %v", rt, keys(entry))
			}
		}
		posts := routes["/wp/v2/posts"].(map[string]any)
		if fmt.Sprint(posts["methods"]) != "[GET POST]" {
			t.Errorf("posts methods %v", posts["methods"])
		}
		args := posts["endpoints"].([]any)[0].(map[string]any)["args"].(map[string]any)
		for _, a := range []string{"page", "per_page", "search", "categories", "tags", "author", "status", "order", "orderby", "before", "after", "slug"} {
			if !containsKey(args, a) {
				t.Errorf("posts GET args lack %s", a)
			}
		}
	}
	ns := s.get("/wp-json/wp/v2")
	wantStatus(t, ns, http.StatusOK)
	if ns.obj()["namespace"] != "wp/v2" || ns.obj()["routes"] == nil {
		t.Errorf("namespace index: %s", ns.Raw)
	}
	for _, p := range []string{"/wp-json/wp/v2/types", "/wp-json/wp/v2/types/post", "/wp-json/wp/v2/taxonomies", "/wp-json/wp/v2/taxonomies/category"} {
		wantStatus(t, s.get(p), http.StatusOK)
	}
}

// TestErrorBodies checks error codes, messages and statuses against WordPress's.
func TestErrorBodies(t *testing.T) {
	s := newSite(t)
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "wpapi", "errors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var table struct {
		Examples map[string]struct {
			Status        int
			Code, Message string
		}
	}
	if err := json.Unmarshal(b, &table); err != nil {
		t.Fatal(err)
	}
	for path, want := range table.Examples {
		r := s.get("/wp-json" + path)
		if r.Status != want.Status || r.obj()["code"] != want.Code || r.obj()["message"] != want.Message {
			t.Errorf("GET %s = %d %v %q, want %d %s %q", path, r.Status, r.obj()["code"], r.obj()["message"], want.Status, want.Code, want.Message)
			continue
		}
		if d := cmp.Diff([]string{"code", "data", "message"}, keys(r.obj())); d != "" {
			t.Errorf("%s: error keys (-want +got):\n%s", path, d)
		}
	}
	// Invalid parameters name each parameter with a message and the details.
	r := s.get("/wp-json/wp/v2/posts?per_page=500&order=up")
	data := wantError(t, r, http.StatusBadRequest, "rest_invalid_param")
	params := data["params"].(map[string]any)
	if params["per_page"] != "per_page must be between 1 (inclusive) and 100 (inclusive)" || params["order"] != "order is not one of asc and desc." {
		t.Errorf("params = %v", params)
	}
	if d := data["details"].(map[string]any)["per_page"].(map[string]any); d["code"] != "rest_out_of_bounds" {
		t.Errorf("details = %v", d)
	}
}
