package media_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/cputime"
	"github.com/broadside/broadside/internal/media"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
	"github.com/broadside/broadside/internal/testimg"
)

// storedImage puts the JPEG at path into a fresh media library as a row with its processing
// job queued, as an upload would.
func storedImage(t testing.TB, dsn, dir, path string, w, h int) (*media.Service, *store.Store, int64) {
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u := &broadside.User{Email: "p@example.com", Login: "p", Role: broadside.RoleAuthor, CreatedAt: t0}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	svc := &media.Service{Store: st, Storage: media.Dir{Root: dir}, Now: time.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	fi, _ := fh.Stat()
	key := "2026/12/camera-0badcafe.jpg"
	if _, err := svc.Storage.Put(ctx, key, fh); err != nil {
		t.Fatal(err)
	}
	m := &broadside.Media{AuthorID: u.ID, FileName: "camera.jpg", Key: key, MimeType: "image/jpeg", Size: fi.Size(),
		Width: w, Height: h, CreatedAt: t0, Processing: broadside.MediaPending}
	if err := st.CreateMedia(ctx, m); err != nil {
		t.Fatal(err)
	}
	return svc, st, m.ID
}

// BenchmarkProcess12MP processes a 12-megapixel camera JPEG into every size and its WebP twin.
//
//	go test -run '^$' -bench Process12MP -benchtime 5x ./internal/media
func BenchmarkProcess12MP(b *testing.B) {
	dir := b.TempDir()
	src := filepath.Join(dir, "src.jpg")
	fh, err := os.Create(src)
	if err != nil {
		b.Fatal(err)
	}
	if err := testimg.Encode(fh, 4000, 3000); err != nil {
		b.Fatal(err)
	}
	fh.Close()
	svc, st, id := storedImage(b, testdb.SQLite(b), filepath.Join(dir, "uploads"), src, 4000, 3000)
	defer st.Close()
	ctx := context.Background()
	if err := svc.Process(ctx, id); err != nil { // warms the WebP encoder's WASM runtime
		b.Fatal(err)
	}
	b.ResetTimer()
	start, cpu0 := time.Now(), cputime.Process()
	for i := 0; i < b.N; i++ {
		if err := svc.Process(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "images/s")
	// CPU seconds an image costs: on a shared machine wall time mostly measures the neighbours.
	b.ReportMetric((cputime.Process()-cpu0).Seconds()/float64(b.N), "cpu-s/image")
}

// TestPeakRSS50MP processes a 50-megapixel JPEG in a child process (the test binary again, so
// making the picture does not count) and reads the child's peak resident memory (VmHWM):
// it must stay well under 300 MB. Prints the figure for docs/benchmarks.md:
//
//	go test -count=1 -run PeakRSS50MP -v ./internal/media
func TestPeakRSS50MP(t *testing.T) {
	if os.Getenv("BROADSIDE_RSS_CHILD") != "" {
		rssChild(t)
		return
	}
	if testing.Short() {
		t.Skip("makes and processes a 50-megapixel JPEG; skipped with -short")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc/self/status (Linux) to read peak RSS")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src.jpg")
	fh, err := os.Create(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := testimg.Encode(fh, 8660, 5774); err != nil { // 50.0 MP, 3:2
		t.Fatal(err)
	}
	fh.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestPeakRSS50MP$", "-test.v")
	cmd.Env = append(os.Environ(), "BROADSIDE_RSS_CHILD="+src, "BROADSIDE_RSS_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var kb int
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "peak-rss-kb "); ok {
			kb, _ = strconv.Atoi(v)
		}
	}
	if kb == 0 {
		t.Fatalf("child printed no peak RSS:\n%s", out)
	}
	t.Logf("50 MP JPEG → all sizes + WebP: peak RSS %d MB", kb/1024)
	if kb > 300*1024 {
		t.Fatalf("peak RSS %d MB, want well under 300 MB", kb/1024)
	}
}

func rssChild(t *testing.T) {
	dir := os.Getenv("BROADSIDE_RSS_DIR")
	svc, st, id := storedImage(t, filepath.Join(dir, "db.sqlite"), filepath.Join(dir, "uploads"), os.Getenv("BROADSIDE_RSS_CHILD"), 8660, 5774)
	defer st.Close()
	if err := svc.Process(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	m, err := st.MediaByID(context.Background(), id)
	if err != nil || m.Processing != broadside.MediaProcessed || m.SizeNamed("2048x2048", "image/webp") == nil {
		t.Fatalf("not processed: %+v %v", m, err)
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Printf("peak-rss-kb %s\n", strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
		}
	}
}
