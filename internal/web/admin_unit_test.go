package web

import (
	"reflect"
	"testing"
	"time"
)

func TestSafeNext(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                           "/admin/",
		"/admin/posts?type=page":     "/admin/posts?type=page",
		"/2026/01/02/post/#c-1":      "/2026/01/02/post/#c-1",
		"//evil.example/":            "/admin/",
		"/\\evil.example":            "/admin/",
		"https://evil.example/":      "/admin/",
		"javascript:alert(1)":        "/admin/",
		"admin/":                     "/admin/",
		"/admin/\r\nSet-Cookie: x=1": "/admin/",
		"/\tadmin":                   "/admin/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
	if got := safeReturn("/2026/01/02/post/", "/admin/comments"); got != "/admin/comments" {
		t.Errorf("safeReturn left the admin: %q", got)
	}
	if got := safeReturn("/admin/comments?status=spam&page=2", "/x"); got != "/admin/comments?status=spam&page=2" {
		t.Errorf("safeReturn: %q", got)
	}
}

func TestTreeOrder(t *testing.T) {
	t.Parallel()
	// ids and parents: 1 root; 2 under 1; 3 under 2; 4 missing parent; 5<->6 a cycle; 7 self.
	id := []int64{3, 1, 2, 4, 5, 6, 7}
	parent := []int64{2, 0, 1, 99, 6, 5, 7}
	order, depth := treeOrder(len(id), func(i int) int64 { return id[i] }, func(i int) int64 { return parent[i] })
	var gotIDs []int64
	for _, i := range order {
		gotIDs = append(gotIDs, id[i])
	}
	if want := []int64{1, 2, 3, 4, 7, 5, 6}; !reflect.DeepEqual(gotIDs, want) {
		t.Fatalf("order %v, want %v", gotIDs, want)
	}
	if want := []int{0, 1, 2, 0, 0, 0, 1}; !reflect.DeepEqual(depth, want) {
		t.Fatalf("depth %v, want %v", depth, want)
	}
}

func TestParseLocal(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata")
	}
	if got, ok := parseLocal("2026-07-04T09:00", ny); !ok || !got.Equal(time.Date(2026, 7, 4, 13, 0, 0, 0, time.UTC)) {
		t.Fatalf("got %v %v", got, ok)
	}
	if got, ok := parseLocal(" ", ny); !ok || !got.IsZero() {
		t.Fatal("empty is the zero time")
	}
	for _, bad := range []string{"2026-02-30T10:00", "tomorrow", "0001-01-01T00:00", "2026-01-01T25:00"} {
		if _, ok := parseLocal(bad, ny); ok {
			t.Errorf("parseLocal(%q) accepted", bad)
		}
	}
}
