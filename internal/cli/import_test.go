package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func wxrFile(name string) string { return filepath.Join("..", "..", "testdata", "wxr", name) }

func TestImportExportCommands(t *testing.T) {
	dir := t.TempDir()
	// A dry run first: it reports, and the flag may come after the file.
	r := run(t, "", nil, "import", "wordpress", wxrFile("themeunittestdata.wordpress.xml"), "--data", dir, "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "Dry run: nothing was written") || !strings.Contains(r.stdout, "posts") {
		t.Fatalf("dry run: %+v", r)
	}
	r = run(t, "", map[string]string{"BROADSIDE_DATA": dir}, "export", "wordpress")
	if r.code != 0 || strings.Contains(r.stdout, "<item>") {
		t.Fatalf("after a dry run the export must be empty: %+v", r.code)
	}
	r = run(t, "", nil, "import", "wordpress", "--data", dir, wxrFile("themeunittestdata.wordpress.xml"))
	if r.code != 0 || !strings.Contains(r.stdout, "Imported from wpthemetestdata.wordpress.com") ||
		!strings.Contains(r.stdout, "menu items") || r.stderr != "" {
		t.Fatalf("import: %+v", r)
	}
	// Not a terminal: no progress bar in the output.
	if strings.Contains(r.stdout+r.stderr, "\r") {
		t.Error("a progress bar was drawn on a pipe")
	}
	out := filepath.Join(t.TempDir(), "site.xml")
	r = run(t, "", nil, "export", "wordpress", "--data", dir, "--output", out)
	if r.code != 0 {
		t.Fatalf("export: %+v", r)
	}
	b, err := os.ReadFile(out)
	if err != nil || strings.Count(string(b), "<item>") != 58+21+37 || !strings.Contains(string(b), "<wp:wxr_version>1.2</wp:wxr_version>") {
		t.Fatalf("export file: %v, %d items", err, strings.Count(string(b), "<item>"))
	}
	// A second import of the same file adds nothing.
	r = run(t, "", nil, "import", "wordpress", "--data", dir, wxrFile("themeunittestdata.wordpress.xml"))
	if r.code != 0 || !strings.Contains(r.stdout, "(58 already here)") {
		t.Fatalf("re-import: %+v", r)
	}
}

// TestImportDryRunCreatesNothing: a dry run against a data directory that does not exist yet
// checks the file and leaves no directory behind (issue 13, point 11).
func TestImportDryRunCreatesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "not-yet")
	r := run(t, "", nil, "import", "wordpress", "--data", dir, "--dry-run", wxrFile("themeunittestdata.wordpress.xml"))
	if r.code != 0 || !strings.Contains(r.stdout, "Dry run: nothing was written") || !strings.Contains(r.stderr, "There is no site in") {
		t.Fatalf("dry run: %+v", r)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the dry run created %s (%v)", dir, err)
	}
}

func TestImportErrors(t *testing.T) {
	dir := t.TempDir()
	bad := wxrFile("importer-malformed.xml")
	r := run(t, "", nil, "import", "wordpress", "--data", dir, bad)
	if r.code != 1 || !strings.HasPrefix(r.stderr, bad+":90:11: the file is not well-formed XML") ||
		!strings.Contains(r.stderr, "Export the site again") || !strings.Contains(r.stderr, "Nothing was imported.") {
		t.Fatalf("malformed: %+v", r)
	}
	r = run(t, "", nil, "import", "wordpress", "--data", dir, wxrFile("importer-missing-version-tag.xml"))
	if r.code != 1 || !strings.Contains(r.stderr, ":35:2: this does not appear to be a WordPress export") {
		t.Fatalf("missing version: %+v", r)
	}
	for _, args := range [][]string{{"import"}, {"import", "blogger", "x.xml"}, {"import", "wordpress"}, {"import", "wordpress", "a.xml", "b.xml"},
		{"export"}, {"export", "wordpress", "extra"}} {
		if r := run(t, "", nil, append(args, "--data", dir)...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage)", args, r.code)
		}
	}
	if r := run(t, "", nil, "import", "wordpress", "--data", dir, "no-such.xml"); r.code != 1 || !strings.Contains(r.stderr, "Tools › Export") {
		t.Errorf("missing file: %+v", r)
	}
	if r := run(t, "", nil, "import", "wordpress", "--data", dir, "--media-dir", filepath.Join(dir, "nope"), wxrFile("importer-wxr-simple.xml")); r.code != 1 ||
		!strings.Contains(r.stderr, "--media-dir") {
		t.Errorf("bad media dir: %+v", r)
	}
}
