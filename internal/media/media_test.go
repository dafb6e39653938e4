package media_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/png"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/media"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
	"github.com/broadside/broadside/internal/testimg"
)

func TestMain(m *testing.M) { testdb.Main(m) }

var t0 = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

type fixture struct {
	svc    *media.Service
	st     *store.Store
	dir    string
	author *broadside.User
	other  *broadside.User
	editor *broadside.User
}

func setup(t *testing.T, dsn string) *fixture {
	t.Helper()
	ctx := context.Background()
	st := testdb.Open(t, dsn)
	f := &fixture{st: st, dir: t.TempDir()}
	mk := func(login string, role broadside.Role) *broadside.User {
		u := &broadside.User{Email: login + "@example.com", Login: login, Role: role, CreatedAt: t0}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.author, f.other, f.editor = mk("ann", broadside.RoleAuthor), mk("bob", broadside.RoleAuthor), mk("eve", broadside.RoleEditor)
	f.svc = &media.Service{Store: st, Storage: media.Dir{Root: f.dir}, Now: func() time.Time { return t0 },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxSize: 1 << 20}
	return f
}

func pngBytes(t testing.TB, w, h int) []byte {
	img := image.NewGray(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.White)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngHeaderOnly is a tiny PNG that declares w×h pixels: a decompression bomb's header.
func pngHeaderOnly(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0 // 8-bit greyscale
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

// files lists every regular file below dir, temporary ones included.
func files(t *testing.T, dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// Every hostile file is refused with a message naming it, and leaves no row and no file.
func TestHostileFiles(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		f := setup(t, dsn)
		ctx := context.Background()
		good := testimg.JPEG(t, 16, 16)
		html := []byte("<!DOCTYPE html><html><script>alert(document.cookie)</script></html>")
		cases := []struct {
			name, file string
			body       []byte
			want       string // in the message
		}{
			// A JPEG with HTML appended is neutralised instead: the HTML is cut (TestDataAfterJPEGEndIsCut).
			{"SVG with script", "logo.svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "SVG"},
			{"SVG named .png", "logo.png", []byte(`<svg onload="alert(1)"></svg>`), "SVG"},
			{"PNG declaring 50000x50000", "bomb.png", pngHeaderOnly(50000, 50000), "megapixels"},
			{"truncated JPEG", "cut.jpg", good[:len(good)/2], "cut short"},
			{"JPEG signature, broken header", "broken.jpg", append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00}, bytes.Repeat([]byte{0x41}, 900)...), "damaged"},
			{"HTML named .jpg", "photo.jpg", html, "HTML"},
			{"path traversal in name (HTML)", "../../etc/passwd.jpg", []byte("root:x:0:0:root:/root:/bin/bash\n"), `"passwd.jpg"`},
			{"empty file", "empty.jpg", nil, "empty"},
			{"oversized file", "huge.pdf", append([]byte("%PDF-1.7\n"), make([]byte, 1<<20)...), "larger than the limit of 1 MiB"},
			{"executable", "setup.exe", []byte("MZ\x90\x00\x03\x00\x00\x00"), "not a file type"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				m, err := f.svc.Upload(ctx, f.author, c.file, bytes.NewReader(c.body))
				if err == nil {
					t.Fatalf("accepted as %+v", m)
				}
				if broadside.ErrorCode(err) != broadside.EINVALID || !strings.Contains(broadside.ErrorMessage(err), c.want) {
					t.Fatalf("error = %v, want EINVALID containing %q", err, c.want)
				}
				if left := files(t, f.dir); len(left) != 0 {
					t.Fatalf("files left behind: %v", left)
				}
				if _, n, err := f.st.ListMedia(ctx, broadside.MediaFilter{}); err != nil || n != 0 {
					t.Fatalf("rows left behind: %d (%v)", n, err)
				}
			})
		}
	})
}

// A path in the uploaded name never reaches the storage: the key is generated.
func TestUploadKeyIgnoresPath(t *testing.T) {
	f := setup(t, testdb.SQLite(t))
	m, err := f.svc.Upload(context.Background(), f.author, `../../etc/..\passwd Photo!.jpg`, bytes.NewReader(testimg.JPEG(t, 8, 6)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.Key, "2026/12/passwd-photo-") || !strings.HasSuffix(m.Key, ".jpg") || strings.Contains(m.Key, "..") {
		t.Fatalf("key = %q", m.Key)
	}
	if m.Width != 8 || m.Height != 6 || m.MimeType != "image/jpeg" || m.FileName != "passwd Photo!.jpg" {
		t.Fatalf("media = %+v", m)
	}
	left := files(t, f.dir)
	if len(left) != 1 || left[0] != filepath.Join(f.dir, filepath.FromSlash(m.Key)) {
		t.Fatalf("files = %v", left)
	}
}

// The type comes from the bytes: a PNG named .jpg is a PNG with a .png key.
func TestUploadTypeFromBytes(t *testing.T) {
	f := setup(t, testdb.SQLite(t))
	ctx := context.Background()
	m, err := f.svc.Upload(ctx, f.author, "picture.jpg", bytes.NewReader(pngBytes(t, 3, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if m.MimeType != "image/png" || !strings.HasSuffix(m.Key, ".png") || m.Width != 3 || m.Height != 2 {
		t.Fatalf("media = %+v", m)
	}
	pdf, err := f.svc.Upload(ctx, f.author, "report", strings.NewReader("%PDF-1.4\n%%EOF\n"))
	if err != nil || pdf.MimeType != "application/pdf" || !strings.HasSuffix(pdf.Key, ".pdf") || pdf.Width != 0 {
		t.Fatalf("pdf = %+v, %v", pdf, err)
	}
}

// When the row cannot be written, the file goes too.
func TestUploadRowFailureRemovesFile(t *testing.T) {
	f := setup(t, testdb.SQLite(t))
	ghost := &broadside.User{ID: 9999, Role: broadside.RoleAdmin} // no such user: the foreign key fails
	if _, err := f.svc.Upload(context.Background(), ghost, "a.jpg", bytes.NewReader(testimg.JPEG(t, 4, 4))); err == nil {
		t.Fatal("upload by a user with no row succeeded")
	}
	if left := files(t, f.dir); len(left) != 0 {
		t.Fatalf("files left behind: %v", left)
	}
}

// A failing storage leaves nothing and says so without leaking paths.
func TestUploadStorageFailure(t *testing.T) {
	f := setup(t, testdb.SQLite(t))
	blocker := filepath.Join(f.dir, "blocked")
	if err := os.WriteFile(blocker, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.svc.Storage = media.Dir{Root: blocker} // a file where the directory should be
	_, err := f.svc.Upload(context.Background(), f.author, "a.jpg", bytes.NewReader(testimg.JPEG(t, 4, 4)))
	if broadside.ErrorCode(err) != broadside.EINTERNAL || !strings.Contains(broadside.ErrorMessage(err), "could not save") ||
		strings.Contains(broadside.ErrorMessage(err), f.dir) {
		t.Fatalf("err = %v", err)
	}
	if _, n, _ := f.st.ListMedia(context.Background(), broadside.MediaFilter{}); n != 0 {
		t.Fatalf("%d rows", n)
	}
}

// Authors manage their own files, editors all; the library lists accordingly.
func TestCapabilities(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		f := setup(t, dsn)
		ctx := context.Background()
		mine, err := f.svc.Upload(ctx, f.author, "mine.jpg", bytes.NewReader(testimg.JPEG(t, 4, 4)))
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := f.svc.Upload(ctx, f.other, "theirs.png", bytes.NewReader(pngBytes(t, 4, 4)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Update(ctx, f.author, theirs.ID, media.Details{Title: "x"}); broadside.ErrorCode(err) != broadside.EFORBIDDEN {
			t.Fatalf("author edited another's file: %v", err)
		}
		if err := f.svc.Delete(ctx, f.author, theirs.ID); broadside.ErrorCode(err) != broadside.EFORBIDDEN {
			t.Fatalf("author deleted another's file: %v", err)
		}
		list, n, err := f.svc.List(ctx, f.author, broadside.MediaFilter{})
		if err != nil || n != 1 || list[0].ID != mine.ID {
			t.Fatalf("author's list = %v (%d, %v)", list, n, err)
		}
		if _, n, _ := f.svc.List(ctx, f.editor, broadside.MediaFilter{}); n != 2 {
			t.Fatalf("editor sees %d files", n)
		}
		up, err := f.svc.Update(ctx, f.editor, theirs.ID, media.Details{Title: " Sunset ", Alt: "willsman", Caption: "c"})
		if err != nil || up.Title != "Sunset" || up.Alt != "willsman" {
			t.Fatalf("editor update = %+v, %v", up, err)
		}
		if _, err := f.svc.Update(ctx, f.author, mine.ID, media.Details{Alt: strings.Repeat("a", 1001)}); broadside.ErrorFields(err)["alt"] == "" {
			t.Fatalf("long alt accepted: %v", err)
		}
		if _, err := f.svc.Upload(ctx, nil, "a.jpg", bytes.NewReader(testimg.JPEG(t, 4, 4))); broadside.ErrorCode(err) != broadside.EUNAUTHORIZED {
			t.Fatalf("anonymous upload: %v", err)
		}
		if err := f.svc.Delete(ctx, f.editor, theirs.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(f.dir, filepath.FromSlash(theirs.Key))); !os.IsNotExist(err) {
			t.Fatalf("deleted file still there: %v", err)
		}
	})
}

// Search, type and month filters and the where-used count.
func TestListAndUsage(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		f := setup(t, dsn)
		ctx := context.Background()
		photo, _ := f.svc.Upload(ctx, f.author, "Willsman_portrait.jpg", bytes.NewReader(testimg.JPEG(t, 4, 4)))
		f.svc.Now = func() time.Time { return t0.AddDate(0, -1, 0) }
		doc, err := f.svc.Upload(ctx, f.author, "minutes.pdf", strings.NewReader("%PDF-1.4\n"))
		if err != nil || photo == nil {
			t.Fatal(err)
		}
		check := func(flt broadside.MediaFilter, want ...int64) {
			t.Helper()
			got, n, err := f.svc.List(ctx, f.editor, flt)
			if err != nil || n != len(want) || len(got) != len(want) {
				t.Fatalf("%+v: %v (%d, %v)", flt, got, n, err)
			}
			for i := range want {
				if got[i].ID != want[i] {
					t.Fatalf("%+v: got %v", flt, got)
				}
			}
		}
		check(broadside.MediaFilter{}, photo.ID, doc.ID)
		check(broadside.MediaFilter{Query: "willsman_"}, photo.ID)
		check(broadside.MediaFilter{Query: "MINUTES"}, doc.ID)
		check(broadside.MediaFilter{Kind: broadside.MediaDocument}, doc.ID)
		check(broadside.MediaFilter{Kind: broadside.MediaImage}, photo.ID)
		check(broadside.MediaFilter{Year: 2026, Month: 11}, doc.ID)
		if page, n, err := f.svc.List(ctx, f.editor, broadside.MediaFilter{Limit: 1, Offset: 1}); err != nil || n != 2 || len(page) != 1 || page[0].ID != doc.ID {
			t.Fatalf("second page = %v (%d, %v)", page, n, err)
		}
		months, err := f.svc.Months(ctx, f.author)
		if err != nil || len(months) != 2 || months[0].Month != 12 || months[1].Month != 11 {
			t.Fatalf("months = %v, %v", months, err)
		}

		p := &broadside.Post{Type: broadside.TypePost, AuthorID: f.author.ID, Title: "Uses it", Slug: "uses-it",
			Status: broadside.StatusDraft, RawBody: "![x](https://site.example" + photo.URL() + ")", BodyFormat: "markdown", CreatedAt: t0, UpdatedAt: t0}
		if err := f.st.CreatePost(ctx, p); err != nil {
			t.Fatal(err)
		}
		p2 := &broadside.Post{Type: broadside.TypePost, AuthorID: f.author.ID, Title: "Featured", Slug: "featured",
			Status: broadside.StatusDraft, FeaturedImageURL: photo.URL(), BodyFormat: "markdown", CreatedAt: t0, UpdatedAt: t0}
		if err := f.st.CreatePost(ctx, p2); err != nil {
			t.Fatal(err)
		}
		posts, n, err := f.svc.Usage(ctx, f.author, photo, 10)
		if err != nil || n != 2 || len(posts) != 2 {
			t.Fatalf("usage = %v, %d, %v", posts, n, err)
		}
		if _, n, _ := f.svc.Usage(ctx, f.author, doc, 10); n != 0 {
			t.Fatalf("unused doc used %d times", n)
		}
	})
}

// GIF and WebP sizes come from their headers (WebP without a decoder dependency).
func TestImageSizes(t *testing.T) {
	f := setup(t, testdb.SQLite(t))
	ctx := context.Background()
	var g bytes.Buffer
	if err := gif.Encode(&g, image.NewPaletted(image.Rect(0, 0, 7, 5), palette.Plan9), nil); err != nil {
		t.Fatal(err)
	}
	m, err := f.svc.Upload(ctx, f.author, "anim.gif", &g)
	if err != nil || m.Width != 7 || m.Height != 5 || m.MimeType != "image/gif" {
		t.Fatalf("gif: %+v, %v", m, err)
	}
	webp := func(chunk string, payload []byte) []byte {
		var b bytes.Buffer
		b.WriteString("RIFF")
		binary.Write(&b, binary.LittleEndian, uint32(12+len(payload)))
		b.WriteString("WEBP" + chunk)
		binary.Write(&b, binary.LittleEndian, uint32(len(payload)))
		b.Write(payload)
		return b.Bytes()
	}
	vp8l := make([]byte, 10)
	vp8l[0] = 0x2f
	binary.LittleEndian.PutUint32(vp8l[1:], uint32(299)|uint32(199)<<14)        // 300×200
	lossy := []byte{0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00} // 320×240
	vp8x := []byte{0, 0, 0, 0, 0x0f, 0x27, 0x00, 0x0f, 0x27, 0x00}              // 10000×10000: over the limit below
	for _, c := range []struct {
		body []byte
		w, h int
	}{{webp("VP8L", vp8l), 300, 200}, {webp("VP8 ", lossy), 320, 240}} {
		m, err := f.svc.Upload(ctx, f.author, "a.webp", bytes.NewReader(c.body))
		if err != nil || m.Width != c.w || m.Height != c.h || m.MimeType != "image/webp" {
			t.Fatalf("webp: %+v, %v", m, err)
		}
	}
	f.svc.MaxPixels = 50_000_000
	if _, err := f.svc.Upload(ctx, f.author, "bomb.webp", bytes.NewReader(webp("VP8X", vp8x))); err == nil ||
		!strings.Contains(broadside.ErrorMessage(err), "10000×10000 pixels") {
		t.Fatalf("webp bomb: %v", err)
	}
}

// A JPEG that carries HTML inside (a comment segment) is a valid JPEG: it is kept, and
// neutralised twice: served as image/jpeg with nosniff (see the web tests), and stored without
// its comment segment (metadata stripping); the HTML never decides its type.
func TestPolyglotInsideJPEGKeptAsJPEG(t *testing.T) {
	f := setup(t, testdb.SQLite(t))
	j := testimg.JPEG(t, 8, 8)
	com := []byte("<html><script>alert(document.domain)</script></html>")
	seg := append([]byte{0xFF, 0xFE, byte((len(com) + 2) >> 8), byte(len(com) + 2)}, com...)
	poly := append(append(append([]byte{}, j[:2]...), seg...), j[2:]...)
	m, err := f.svc.Upload(context.Background(), f.author, "poly.html", bytes.NewReader(poly))
	if err != nil || m.MimeType != "image/jpeg" || !strings.HasSuffix(m.Key, ".jpg") || m.Width != 8 {
		t.Fatalf("polyglot: %+v, %v", m, err)
	}
	if b, err := os.ReadFile(filepath.Join(f.dir, filepath.FromSlash(m.Key))); err != nil || bytes.Contains(b, []byte("<script")) {
		t.Fatalf("stored polyglot still carries its HTML (%v)", err)
	}
}
