package importer_test

import (
	"bytes"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/importer"
	"github.com/broadside/broadside/internal/testdb"
)

// TestImportTimeline: with debug logging, an import logs each of its phases once, in the
// order they run, with the wall and CPU time each took and how long the writing and the
// decoding goroutines waited for each other; without it, none of that is logged.
func TestImportTimeline(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t))
	var buf bytes.Buffer
	e.svc.Log = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.importFile("themeunittestdata.wordpress.xml", importer.Options{})
	want := []string{"first pass", "begin", "authors, terms, attachments", "stream", "last comments",
		"comment indexes", "finish", "search index", "last wp_imports", "commit"}
	var got []string
	for _, m := range regexp.MustCompile(`msg="import phase ([^"]+)"`).FindAllStringSubmatch(buf.String(), -1) {
		got = append(got, m[1])
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("phases %q, want %q\n%s", got, want, buf.String())
	}
	stream := regexp.MustCompile(`msg="import phase stream" writer_waited=\S+ decoder_waited=\S+ batches=[1-9]\d* took=\S+ cpu=\S+ at=\S+ gcs=\d+`)
	if !stream.MatchString(buf.String()) {
		t.Errorf("the stream's line lacks its waits, batches or times:\n%s", buf.String())
	}

	// A transaction rolled back (a dry run, or a failure) says so, not that it committed.
	buf.Reset()
	e.importFile("importer-small-export.xml", importer.Options{DryRun: true})
	if log := buf.String(); strings.Contains(log, "import phase commit") || !strings.Contains(log, "import phase rollback") {
		t.Errorf("a dry run's timeline does not end in a rollback:\n%s", log)
	}

	quiet := newEnv(t, testdb.SQLite(t))
	buf.Reset()
	quiet.svc.Log = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	quiet.importFile("themeunittestdata.wordpress.xml", importer.Options{})
	if strings.Contains(buf.String(), "import phase") {
		t.Errorf("phases logged at info level:\n%s", buf.String())
	}
}
