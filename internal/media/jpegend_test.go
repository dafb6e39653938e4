package media_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/testdb"
	"github.com/broadside/broadside/internal/testimg"
)

// What follows a JPEG's end marker is cut, not refused: phones append videos (Google's motion
// photos) and trailers (Samsung), and an attacker appends HTML. The stored file is the picture
// alone, so the appended bytes are never served. An end marker inside an EXIF thumbnail (an
// APP1 segment) is not the end.
func TestDataAfterJPEGEndIsCut(t *testing.T) {
	f := setup(t, testdb.SQLite(t))
	// Kept byte for byte only when the site keeps metadata; stripping is TestGPSGone….
	f.svc.Settings = func(context.Context) (broadside.Settings, error) {
		set := broadside.DefaultSettings()
		set.KeepImageMetadata = true
		return set, nil
	}
	good := testimg.JPEG(t, 16, 16)
	// An APP1 segment whose payload holds a whole small JPEG (as EXIF thumbnails do).
	thumb := testimg.JPEG(t, 4, 4)
	payload := append([]byte("Exif\x00\x00"), thumb...)
	app1 := append([]byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}, payload...)
	withThumb := append(append(append([]byte{}, good[:2]...), app1...), good[2:]...)
	cases := []struct {
		name     string
		image    []byte
		appended []byte
	}{
		{"HTML appended", good, []byte("<!DOCTYPE html><html><script>alert(document.cookie)</script></html>")},
		{"a motion photo's video", good, append([]byte("\x00\x00\x00\x18ftypmp42"), bytes.Repeat([]byte{0xFF, 0xD9, 0x42}, 500)...)},
		{"EXIF thumbnail, then a trailer", withThumb, []byte("SEFHtrailer\xFF\xD9")},
		{"nothing appended", good, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			upload := append(append([]byte{}, tc.image...), tc.appended...)
			m, err := f.svc.Upload(context.Background(), f.author, "photo.jpg", bytes.NewReader(upload))
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			stored, err := os.ReadFile(filepath.Join(f.dir, filepath.FromSlash(m.Key)))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(stored, tc.image) {
				t.Fatalf("stored %d bytes, want the image's %d (upload was %d)", len(stored), len(tc.image), len(upload))
			}
			if m.Size != int64(len(tc.image)) || m.Width != 16 {
				t.Errorf("size %d, width %d; want %d, 16", m.Size, m.Width, len(tc.image))
			}
		})
	}
}
