package broadside_test

import (
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
)

// The type comes from the first bytes; the name only appears in the message.
func TestSniffMedia(t *testing.T) {
	ok := []struct {
		name, head, want string
	}{
		{"a.png", "\xFF\xD8\xFF\xE0\x00\x10JFIF", "image/jpeg"},
		{"a.jpg", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"},
		{"a", "GIF89a\x01\x00\x01\x00", "image/gif"},
		{"a", "GIF87a\x01\x00\x01\x00", "image/gif"},
		{"a", "RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"},
		{"a", "%PDF-1.7\n", "application/pdf"},
		{"a", "ID3\x04\x00\x00", "audio/mpeg"},
		{"a", "\xFF\xFB\x90\x64", "audio/mpeg"},
		{"a", "OggS\x00\x02", "audio/ogg"},
		{"a", "\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", "audio/mp4"},
		{"a", "\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "video/mp4"},
		{"a", "\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"},
	}
	for _, c := range ok {
		if got, err := broadside.SniffMedia(c.name, []byte(c.head)); err != nil || got != c.want {
			t.Errorf("%q: %q, %v; want %s", c.head, got, err, c.want)
		}
	}
	bad := []struct {
		name, head, want string
	}{
		{"logo.svg", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, "SVG"},
		{"logo.jpg", "\xEF\xBB\xBF  <?xml version=\"1.0\"?>\n<!-- x --><svg onload=alert(1)>", "SVG"},
		{"photo.jpg", "<!DOCTYPE html><html>", "HTML"},
		{"photo.jpg", "\n\n<HTML><body>", "HTML"},
		{"x.jpg", "<script>alert(1)</script>", "HTML"},
		{"C:\\Users\\me\\evil.exe", "MZ\x90\x00", `"evil.exe" is not a file type`},
		{"../../etc/passwd.jpg", "root:x:0:0", `"passwd.jpg"`},
		{"e.jpg", "", `"e.jpg" is empty`},
		{"m.mov", "\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "brand"},
		{"m.mkv", "\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\x82\x88matroska", "Matroska"},
		{"a.jpg", "\xFF\xD8", "not a file type"}, // two bytes are not a JPEG
		{"u.mp3", "\xFF\xFE<\x00h\x00t\x00m\x00l\x00>\x00", "UTF-16"},
		{"u.mp3", "\xFF\xFB\x9C\x00", "not a file type"}, // reserved sample rate
	}
	for _, c := range bad {
		got, err := broadside.SniffMedia(c.name, []byte(c.head))
		if err == nil || broadside.ErrorCode(err) != broadside.EINVALID || !strings.Contains(broadside.ErrorMessage(err), c.want) {
			t.Errorf("%q (%s): %q, %v; want an error with %q", c.head, c.name, got, err, c.want)
		}
	}
}

// Keys are made of the date, an ASCII slug, the suffix and the type's extension, whatever
// the name; ValidMediaKey accepts exactly those.
func TestMediaKey(t *testing.T) {
	at := time.Date(2026, 2, 3, 23, 0, 0, 0, time.FixedZone("x", -5*3600)) // 4 February in UTC
	cases := map[string]string{
		"Willsman Portrait.JPG":       "2026/02/willsman-portrait-ab12.jpg",
		"../../etc/passwd.jpg":        "2026/02/passwd-ab12.jpg",
		`..\..\windows\win.ini`:       "2026/02/win-ab12.jpg",
		"Ünïcödé café.png":            "2026/02/unicode-cafe-ab12.jpg",
		"фото.jpg":                    "2026/02/file-ab12.jpg",
		".htaccess":                   "2026/02/file-ab12.jpg",
		"a.php.jpg":                   "2026/02/a-php-ab12.jpg",
		strings.Repeat("x", 300):      "2026/02/" + strings.Repeat("x", 60) + "-ab12.jpg",
		"%2e%2e%2fetc%2fpasswd\x00.j": "2026/02/2e-2e-2fetc-2fpasswd-ab12.jpg",
	}
	for name, want := range cases {
		got := broadside.MediaKey(name, "image/jpeg", "ab12", at)
		if got != want {
			t.Errorf("MediaKey(%q) = %q, want %q", name, got, want)
		}
		if !broadside.ValidMediaKey(got) {
			t.Errorf("ValidMediaKey(%q) = false", got)
		}
	}
	for _, k := range []string{"", "../2026/02/a.jpg", "2026/02/../a.jpg", "2026/02/.a.jpg", "2026/02/a", "2026/2/a.jpg",
		"2026/02/a/b.jpg", "/2026/02/a.jpg", "2026/02/A.jpg", "2026/02/a.tar.gz", "2008/06/canola 2.jpg", "2026/02/-a.jpg"} {
		if broadside.ValidMediaKey(k) {
			t.Errorf("ValidMediaKey(%q) = true", k)
		}
	}
}

func FuzzMediaKey(f *testing.F) {
	f.Add("../../etc/passwd.jpg")
	f.Add("a\\b/c.d.e")
	f.Fuzz(func(t *testing.T, name string) {
		k := broadside.MediaKey(name, "video/webm", "00ff", time.Unix(0, 0))
		if !broadside.ValidMediaKey(k) || !strings.HasSuffix(k, ".webm") {
			t.Fatalf("MediaKey(%q) = %q", name, k)
		}
	})
}

// Authors manage their own files, editors and administrators everyone's.
func TestMediaCapabilities(t *testing.T) {
	own := &broadside.Media{AuthorID: 1}
	other := &broadside.Media{AuthorID: 2}
	author := &broadside.User{ID: 1, Role: broadside.RoleAuthor}
	editor := &broadside.User{ID: 3, Role: broadside.RoleEditor}
	var nobody *broadside.User
	if !author.CanUploadMedia() || !author.CanEditMedia(own) || author.CanEditMedia(other) {
		t.Error("author")
	}
	if !editor.CanEditMedia(other) || !(&broadside.User{ID: 4, Role: broadside.RoleAdmin}).CanEditMedia(other) {
		t.Error("editor or admin")
	}
	if nobody.CanUploadMedia() || nobody.CanEditMedia(own) || (&broadside.User{ID: 1, Role: "reader"}).CanEditMedia(own) {
		t.Error("no role")
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 bytes", 1023: "1023 bytes", 1024: "1 KiB", 400 << 10: "400 KiB",
		64 << 20: "64 MiB", 3 << 19: "1.5 MiB", 5 << 30: "5 GiB"} {
		if got := broadside.FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestUploadKey(t *testing.T) {
	const base = "https://news.example.org"
	for _, c := range []struct {
		in, key string
	}{
		{"/wp-content/uploads/2026/12/photo-3f9a1c.jpg", "2026/12/photo-3f9a1c.jpg"},
		{"/wp-content/uploads/2026/12/photo-3f9a1c-300x200.jpg?ver=2#x", "2026/12/photo-3f9a1c-300x200.jpg"},
		{"https://NEWS.example.org/wp-content/uploads/2026/12/photo-3f9a1c.jpg", "2026/12/photo-3f9a1c.jpg"},
		{"https://evil.example/wp-content/uploads/2026/12/photo-3f9a1c.jpg", ""},
		{"//evil.example/wp-content/uploads/2026/12/photo-3f9a1c.jpg", ""},
		{"javascript:alert(1)//wp-content/uploads/2026/12/a-1.jpg", ""},
		{"/wp-content/uploads/../../etc/passwd", ""},
		{"/wp-content/uploads/2026/12/a%2F..%2Fb.jpg", ""},
		{"/other/2026/12/a-1.jpg", ""},
		{"https://user@news.example.org/wp-content/uploads/2026/12/a-1.jpg", ""},
	} {
		key, ok := broadside.UploadKey(c.in, base)
		if key != c.key || ok != (c.key != "") {
			t.Errorf("UploadKey(%q) = %q, %v; want %q", c.in, key, ok, c.key)
		}
	}
}
