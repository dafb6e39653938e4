package web

import (
	"runtime"
	"testing"

	"github.com/broadside/broadside/internal/i18n"
)

// TestTemplatesHeapBounded: a site speaks one language and readers never see the admin.
// Keeping every page's set, public pages in all six shipped languages, from the start kept
// 13 MiB, most of the server's live heap; the English public sets alone, the others parsed on
// first use, keep about 1 MiB.
func TestTemplatesHeapBounded(t *testing.T) {
	st, err := loadStatic()
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	tm, err := parseTemplates(st)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	kept := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("parsed templates keep %.1f MiB of heap", float64(kept)/(1<<20))
	if kept > 4<<20 {
		t.Errorf("parsed templates keep %.1f MiB of heap; want under 4 MiB", float64(kept)/(1<<20))
	}

	// Another language is parsed when first asked for, once, and translates.
	var other string
	for _, l := range i18n.Languages {
		if l.Code != i18n.Default {
			other = l.Code
			break
		}
	}
	a, err := tm.lookup("public/post", other)
	if err != nil {
		t.Fatal(err)
	}
	b, err := tm.lookup("public/post", other)
	if err != nil || a != b {
		t.Fatalf("second lookup in %s: %p, %p, %v; want the set parsed the first time", other, a, b, err)
	}
	en, err := tm.lookup("public/post", "")
	if err != nil || en == a {
		t.Fatalf("English lookup: %v; want the English set", err)
	}
	adm, err := tm.lookup("admin/login", other)
	if err != nil {
		t.Fatal(err)
	}
	if admEn, err := tm.lookup("admin/login", ""); err != nil || adm != admEn {
		t.Fatalf("admin page in %s: %v; want the English set (admin pages are English)", other, err)
	}
	if _, err := tm.lookup("public/nonesuch", ""); err == nil {
		t.Fatal("an unknown page was found")
	}
	runtime.KeepAlive(tm)
}
