package media_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/gif"
	"testing"

	"github.com/broadside/broadside/internal/testdb"
)

// TestGIFMetadataStripped: an animated GIF with a comment and an XMP block naming a place is
// stored without them, still animated, still looping, every frame intact.
func TestGIFMetadataStripped(t *testing.T) {
	f := setup(t, testdb.SQLite(t))
	ctx := context.Background()
	pal := color.Palette{color.Black, color.White}
	anim := &gif.GIF{LoopCount: 0}
	for i := range 3 {
		fr := image.NewPaletted(image.Rect(0, 0, 40, 30), pal)
		fr.SetColorIndex(i, i, 1)
		anim.Image = append(anim.Image, fr)
		anim.Delay = append(anim.Delay, 10)
	}
	var enc bytes.Buffer
	if err := gif.EncodeAll(&enc, anim); err != nil {
		t.Fatal(err)
	}
	raw := enc.Bytes()
	// After the header and the global colour table, if any: a comment and an XMP application
	// extension, as editors write them.
	at := 13
	if raw[10]&0x80 != 0 {
		at += 3 << (int(raw[10]&7) + 1)
	}
	comment := append([]byte{0x21, 0xFE, byte(len(secret))}, secret...)
	comment = append(comment, 0)
	xmp := append([]byte{0x21, 0xFF, 11}, "XMP DataXMP"...)
	xmpData := "<x:xmpmeta>" + secret + "</x:xmpmeta>"
	xmp = append(append(xmp, byte(len(xmpData))), xmpData...)
	xmp = append(xmp, 0)
	file := append(append(append(append([]byte{}, raw[:at]...), comment...), xmp...), raw[at:]...)
	if g, err := gif.DecodeAll(bytes.NewReader(file)); err != nil || g.LoopCount != 0 {
		t.Fatalf("the test's own GIF does not decode as a looping animation: %v", err)
	}

	m, err := f.svc.Upload(ctx, f.author, "loop.gif", bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	got := served(t, f.svc, m.Key)
	if bytes.Contains(got, []byte(secret)) {
		t.Fatal("the stored GIF still names the place")
	}
	back, err := gif.DecodeAll(bytes.NewReader(got))
	if err != nil || len(back.Image) != 3 || back.LoopCount != 0 {
		t.Fatalf("stripped GIF: %v, %d frames, loop %d", err, len(back.Image), back.LoopCount)
	}
	if !bytes.Equal(got, raw) {
		t.Errorf("stripping changed more than the metadata: %d bytes, the clean GIF has %d", len(got), len(raw))
	}
}
