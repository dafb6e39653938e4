package media_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	xwebp "golang.org/x/image/webp"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/media"
	"github.com/broadside/broadside/internal/media/webpenc"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
	"github.com/broadside/broadside/internal/testimg"
)

// secret is what the test photos' metadata says about where they were taken; no served byte
// may contain it.
const secret = "SECRET-PLACE-51.5072N"

// exifTIFF builds a big-endian EXIF block with an Orientation tag and a GPS IFD holding
// a latitude reference, a latitude and a processing-method text naming the place.
func exifTIFF(orientation int) []byte {
	var b bytes.Buffer
	be := binary.BigEndian
	w16 := func(v uint16) { binary.Write(&b, be, v) }
	w32 := func(v uint32) { binary.Write(&b, be, v) }
	b.WriteString("MM")
	w16(42)
	w32(8)
	// IFD0 at 8: 2 entries (12 bytes each) + next-IFD offset = 2+24+4 = 30 → GPS IFD at 38.
	w16(2)
	w16(0x0112)
	w16(3)
	w32(1)
	w16(uint16(orientation))
	w16(0)
	w16(0x8825) // GPSInfo IFD pointer
	w16(4)
	w32(1)
	w32(38)
	w32(0)
	// GPS IFD at 38: 3 entries + next = 2+36+4 = 42 → data at 80.
	w16(3)
	w16(0x0001) // GPSLatitudeRef "N"
	w16(2)
	w32(2)
	b.Write([]byte{'N', 0, 0, 0})
	w16(0x0002) // GPSLatitude, 3 RATIONALs at 80
	w16(5)
	w32(3)
	w32(80)
	w16(0x001B) // GPSProcessingMethod, UNDEFINED text at 104
	w16(7)
	w32(uint32(len(secret)))
	w32(104)
	w32(0)
	for _, v := range []uint32{51, 1, 30, 1, 26, 1} {
		w32(v)
	}
	b.WriteString(secret)
	return b.Bytes()
}

// photoJPEG is a w×h JPEG as a phone writes it: EXIF with orientation and GPS, XMP naming
// the place, and a comment. The left half is red and the right half blue (before orientation).
func photoJPEG(t testing.TB, w, h, orientation int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{200, 30, 30, 255}
			if x >= w/2 {
				c = color.RGBA{30, 30, 200, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	seg := func(marker byte, body []byte) []byte {
		return append([]byte{0xFF, marker, byte((len(body) + 2) >> 8), byte(len(body) + 2)}, body...)
	}
	j := enc.Bytes()
	var out bytes.Buffer
	out.Write(j[:2])
	out.Write(seg(0xE1, append([]byte("Exif\x00\x00"), exifTIFF(orientation)...)))
	out.Write(seg(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSAreaInformation>"+secret+"</exif:GPSAreaInformation></x:xmpmeta>")))
	out.Write(seg(0xED, []byte("Photoshop 3.0\x008BIM "+secret)))
	out.Write(seg(0xFE, []byte("taken at "+secret)))
	out.Write(j[2:])
	return out.Bytes()
}

// process runs every queued job on a fresh worker over st.
func process(t testing.TB, st *store.Store, svc *media.Service) {
	t.Helper()
	w := jobs.NewWorker(st, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	w.Handle(media.JobProcess, svc.ProcessHandler(), jobs.InLane(media.Lane))
	for {
		ran, err := w.RunOne(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !ran {
			return
		}
	}
}

// served reads a file the way the uploads route serves it.
func served(t testing.TB, svc *media.Service, key string) []byte {
	t.Helper()
	obj, _, err := svc.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("open %s: %v", key, err)
	}
	defer obj.Close()
	b, err := io.ReadAll(obj)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// GPS and every other identifying metadata are gone from the original as served and from
// every variant; the orientation survives (as the only EXIF tag of the original, applied to
// the pixels of the variants).
func TestGPSGoneFromOriginalAndEveryVariant(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		f := setup(t, dsn)
		f.svc.MaxSize = 16 << 20
		ctx := context.Background()
		m, err := f.svc.Upload(ctx, f.author, "protest.jpg", bytes.NewReader(photoJPEG(t, 1200, 800, 1)))
		if err != nil {
			t.Fatal(err)
		}
		if m.Processing != broadside.MediaPending {
			t.Fatalf("processing = %q right after upload", m.Processing)
		}
		orig := served(t, f.svc, m.Key)
		if bytes.Contains(orig, []byte(secret)) || bytes.Contains(orig, []byte("Exif")) {
			t.Fatal("the stored original still carries metadata")
		}
		if _, err := jpeg.Decode(bytes.NewReader(orig)); err != nil {
			t.Fatalf("stripped original does not decode: %v", err)
		}
		process(t, f.st, f.svc)
		m, err = f.st.MediaByID(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Processing != broadside.MediaProcessed || len(m.Sizes) == 0 {
			t.Fatalf("after processing: state %q, %d sizes (%s)", m.Processing, len(m.Sizes), m.ProcessError)
		}
		for _, v := range m.Sizes {
			if b := served(t, f.svc, v.Key); bytes.Contains(b, []byte(secret)) || bytes.Contains(b, []byte("Exif")) || bytes.Contains(b, []byte("EXIF")) {
				t.Errorf("%s (%s) carries metadata", v.Key, v.MimeType)
			}
		}
	})
}

// Each WordPress size that fits is made, with the right dimensions, and a WebP twin; none is
// larger than the original; the thumbnail is cropped to 150×150.
func TestSizesAndWebPTwins(t *testing.T) {
	f := setup(t, testdb.SQLite(t))
	f.svc.MaxSize = 16 << 20
	ctx := context.Background()
	m, err := f.svc.Upload(ctx, f.author, "wide.jpg", bytes.NewReader(photoJPEG(t, 1200, 800, 1)))
	if err != nil {
		t.Fatal(err)
	}
	process(t, f.st, f.svc)
	m, _ = f.st.MediaByID(ctx, m.ID)
	want := map[string][2]int{"thumbnail": {150, 150}, "medium": {300, 200}, "medium_large": {768, 512}, "large": {1024, 683}}
	got := map[string][2]int{}
	for _, v := range m.Sizes {
		b := served(t, f.svc, v.Key)
		cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", v.Key, err)
		}
		if cfg.Width != v.Width || cfg.Height != v.Height || "image/"+format != v.MimeType || int64(len(b)) != v.Size {
			t.Errorf("%s: file is %dx%d %s (%d bytes), row says %dx%d %s (%d)", v.Key, cfg.Width, cfg.Height, format, len(b), v.Width, v.Height, v.MimeType, v.Size)
		}
		wantKey := strings.TrimSuffix(m.Key, ".jpg") + "-" + strconv.Itoa(v.Width) + "x" + strconv.Itoa(v.Height)
		if !strings.HasPrefix(v.Key, wantKey+".") {
			t.Errorf("key %s, want %s.*", v.Key, wantKey)
		}
		if v.MimeType == "image/jpeg" {
			got[v.Name] = [2]int{v.Width, v.Height}
			if tw := m.SizeNamed(v.Name, "image/webp"); tw == nil || tw.Width != v.Width || tw.Height != v.Height {
				t.Errorf("%s has no WebP twin of its size", v.Name)
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("sizes = %v, want %v (1536 and 2048 would upscale)", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if m.Width != 1200 || m.Height != 800 {
		t.Errorf("original %dx%d", m.Width, m.Height)
	}
	// The thumbnail shows the middle: red left of centre, blue right of it.
	th := m.SizeNamed("thumbnail", "image/png")
	if th != nil {
		t.Fatalf("a JPEG's thumbnail is PNG")
	}
	img, err := jpeg.Decode(bytes.NewReader(served(t, f.svc, m.SizeNamed("thumbnail", "image/jpeg").Key)))
	if err != nil {
		t.Fatal(err)
	}
	if r, _, b, _ := img.At(20, 75).RGBA(); r < b {
		t.Error("thumbnail's left is not red")
	}
	if r, _, b, _ := img.At(130, 75).RGBA(); r > b {
		t.Error("thumbnail's right is not blue")
	}
}

// A small image gets no size larger than itself, and a PNG's sizes stay PNG (with WebP).
func TestNeverUpscaled(t *testing.T) {
	f := setup(t, testdb.SQLite(t))
	ctx := context.Background()
	m, err := f.svc.Upload(ctx, f.author, "small.png", bytes.NewReader(pngBytes(t, 200, 120)))
	if err != nil {
		t.Fatal(err)
	}
	process(t, f.st, f.svc)
	m, _ = f.st.MediaByID(ctx, m.ID)
	var names []string
	for _, v := range m.Sizes {
		names = append(names, v.Name+":"+v.MimeType+":"+strconv.Itoa(v.Width)+"x"+strconv.Itoa(v.Height))
		if v.Width > 200 || v.Height > 120 {
			t.Errorf("%s upscaled", v.Key)
		}
	}
	if got := strings.Join(names, " "); got != "thumbnail:image/png:150x120 thumbnail:image/webp:150x120" {
		t.Errorf("sizes = %s", got)
	}
}

// A phone photo held upright (EXIF orientation 6: rotate 90° clockwise) comes out upright:
// the row's size is the upright one and the variants are rotated.
func TestOrientation6Rotated(t *testing.T) {
	f := setup(t, testdb.SQLite(t))
	f.svc.MaxSize = 16 << 20
	ctx := context.Background()
	m, err := f.svc.Upload(ctx, f.author, "upright.jpg", bytes.NewReader(photoJPEG(t, 400, 300, 6)))
	if err != nil {
		t.Fatal(err)
	}
	// The original keeps its pixels and, as its only metadata, the orientation.
	orig := served(t, f.svc, m.Key)
	if bytes.Contains(orig, []byte(secret)) || !bytes.Contains(orig, []byte("Exif\x00\x00MM")) {
		t.Fatal("original lost its orientation or kept its GPS")
	}
	process(t, f.st, f.svc)
	m, _ = f.st.MediaByID(ctx, m.ID)
	if m.Width != 300 || m.Height != 400 {
		t.Fatalf("upright size %dx%d, want 300x400", m.Width, m.Height)
	}
	med := m.SizeNamed("medium", "image/jpeg")
	if med == nil || med.Width != 225 || med.Height != 300 {
		t.Fatalf("medium = %+v", med)
	}
	img, err := jpeg.Decode(bytes.NewReader(served(t, f.svc, med.Key)))
	if err != nil {
		t.Fatal(err)
	}
	// Rotated clockwise, the red left half is now the top.
	if r, _, b, _ := img.At(112, 20).RGBA(); r < b {
		t.Error("top of the rotated image is not red")
	}
	if r, _, b, _ := img.At(112, 280).RGBA(); r > b {
		t.Error("bottom of the rotated image is not blue")
	}
}

// A queued job outlives the process that queued it: a new store and worker on the same
// database process the upload.
func TestProcessingSurvivesRestart(t *testing.T) {
	dsn := testdb.SQLite(t)
	f := setup(t, dsn)
	ctx := context.Background()
	m, err := f.svc.Upload(ctx, f.author, "a.png", bytes.NewReader(pngBytes(t, 400, 400)))
	if err != nil {
		t.Fatal(err)
	}
	f.st.Close() // the node stops before any worker ran

	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := &media.Service{Store: st, Storage: media.Dir{Root: f.dir}, Now: time.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	process(t, st, svc)
	m, err = st.MediaByID(ctx, m.ID)
	if err != nil || m.Processing != broadside.MediaProcessed || m.SizeNamed("medium", "image/png") == nil {
		t.Fatalf("after restart: %+v, %v", m, err)
	}
}

// A file that breaks the decoder is marked failed with a reason, its job ends, and nothing
// of it is left half-made.
func TestUndecodableImageMarkedFailed(t *testing.T) {
	f := setup(t, testdb.SQLite(t))
	ctx := context.Background()
	// A valid header and end marker around garbage scan data: the upload check passes (it
	// reads headers only), the decoder fails.
	good := testimg.JPEG(t, 400, 300)
	sos := bytes.Index(good, []byte{0xFF, 0xDA})
	bad := append(append([]byte{}, good[:sos]...), 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0x00, 0x13, 0x37, 0xFF, 0xD9)
	m, err := f.svc.Upload(ctx, f.author, "bad.jpg", bytes.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	process(t, f.st, f.svc)
	m, _ = f.st.MediaByID(ctx, m.ID)
	if m.Processing != broadside.MediaFailed || !strings.Contains(m.ProcessError, "could not be decoded") || len(m.Sizes) != 0 {
		t.Fatalf("state %q, reason %q, %d sizes", m.Processing, m.ProcessError, len(m.Sizes))
	}
	if left := files(t, f.dir); len(left) != 1 {
		t.Fatalf("files: %v", left)
	}
}

// Deleting a file deletes its variants too.
func TestDeleteRemovesVariants(t *testing.T) {
	f := setup(t, testdb.SQLite(t))
	ctx := context.Background()
	m, err := f.svc.Upload(ctx, f.author, "a.png", bytes.NewReader(pngBytes(t, 400, 400)))
	if err != nil {
		t.Fatal(err)
	}
	process(t, f.st, f.svc)
	if n := len(files(t, f.dir)); n < 5 {
		t.Fatalf("%d files after processing", n)
	}
	if err := f.svc.Delete(ctx, f.author, m.ID); err != nil {
		t.Fatal(err)
	}
	if left := files(t, f.dir); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}

// An original an import stored with its metadata is stripped in place by the job.
func TestJobStripsAnImportedOriginal(t *testing.T) {
	f := setup(t, testdb.SQLite(t))
	ctx := context.Background()
	key := "2026/12/imported-0a0b0c0d.png"
	img := pngBytes(t, 40, 30)
	withText := append(append(append([]byte{}, img[:33]...), pngChunk("tEXt", []byte("Location\x00"+secret))...), img[33:]...)
	if _, err := f.svc.Storage.Put(ctx, key, bytes.NewReader(withText)); err != nil {
		t.Fatal(err)
	}
	m := &broadside.Media{AuthorID: f.author.ID, FileName: "imported.png", Key: key, MimeType: "image/png",
		Size: int64(len(withText)), Width: 40, Height: 30, CreatedAt: t0, Processing: broadside.MediaPending}
	if err := f.st.InTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateMedia(ctx, m); err != nil {
			return err
		}
		return media.EnqueueProcess(ctx, tx, m.ID, time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	process(t, f.st, f.svc)
	b := served(t, f.svc, key)
	if bytes.Contains(b, []byte(secret)) {
		t.Fatal("imported original still has its text chunk")
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	m, _ = f.st.MediaByID(ctx, m.ID)
	if m.Size != int64(len(b)) || m.Processing != broadside.MediaProcessed {
		t.Fatalf("row %+v, file %d bytes", m, len(b))
	}
	if left := files(t, f.dir); len(left) != 1 {
		t.Fatalf("files: %v", left) // the side copy is gone; a 40×30 image has no sizes
	}
}

func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

// A site that keeps metadata keeps it in the original (byte for byte); the sizes, encoded
// anew, never carry it.
func TestKeepMetadataSetting(t *testing.T) {
	f := setup(t, testdb.SQLite(t))
	f.svc.MaxSize = 16 << 20
	f.svc.Settings = func(context.Context) (broadside.Settings, error) {
		set := broadside.DefaultSettings()
		set.KeepImageMetadata = true
		return set, nil
	}
	ctx := context.Background()
	photo := photoJPEG(t, 400, 300, 1)
	m, err := f.svc.Upload(ctx, f.author, "kept.jpg", bytes.NewReader(photo))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(served(t, f.svc, m.Key), photo) {
		t.Fatal("original changed although the site keeps metadata")
	}
	process(t, f.st, f.svc)
	m, _ = f.st.MediaByID(ctx, m.ID)
	if len(m.Sizes) == 0 || !bytes.Equal(served(t, f.svc, m.Key), photo) {
		t.Fatalf("after processing: %d sizes, original kept: %v", len(m.Sizes), bytes.Equal(served(t, f.svc, m.Key), photo))
	}
	for _, v := range m.Sizes {
		if bytes.Contains(served(t, f.svc, v.Key), []byte(secret)) {
			t.Errorf("%s carries metadata", v.Key)
		}
	}
}

// Files that pass the upload's header checks but are hostile to the decoder: each ends with
// its row marked (failed with a reason, or processed harmlessly), the job finished, and no
// half-made variant left in the storage.
func TestHostileFilesThroughProcessing(t *testing.T) {
	j := testimg.JPEG(t, 400, 300)
	sos := bytes.Index(j, []byte{0xFF, 0xDA})
	// A real JPEG whose frame header is made to say progressive, 8000×5000.
	progressiveBomb := append([]byte{}, j...)
	i := bytes.Index(progressiveBomb, []byte{0xFF, 0xC0})
	progressiveBomb[i+1] = 0xC2
	progressiveBomb[i+5], progressiveBomb[i+6] = 5000>>8, 5000&0xff
	progressiveBomb[i+7], progressiveBomb[i+8] = 8000>>8, 8000&0xff
	com := []byte("<html><script>alert(document.domain)</script></html>")
	poly := append(append(append([]byte{}, j[:2]...), append([]byte{0xFF, 0xFE, 0, byte(len(com) + 2)}, com...)...), j[2:]...)
	big := pngHeaderOnly(9000, 9000) // 81 MP, under the limit, with an IDAT of nothing
	cases := []struct {
		name, file string
		body       []byte
		state      string
		reason     string
	}{
		{"JPEG with garbage scan data", "scan.jpg", append(append([]byte{}, j[:sos]...), 0xFF, 0xDA, 0, 2, 0x13, 0x37, 0xFF, 0xD9), broadside.MediaFailed, "could not be decoded"},
		{"progressive JPEG of 40 MP", "prog.jpg", progressiveBomb, broadside.MediaFailed, "progressive JPEG"},
		{"PNG of 81 MP with no pixel data", "empty.png", big, broadside.MediaFailed, "could not be decoded"},
		{"polyglot JPEG/HTML", "poly.jpg", poly, broadside.MediaProcessed, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := setup(t, testdb.SQLite(t))
			f.svc.MaxSize = 16 << 20
			ctx := context.Background()
			m, err := f.svc.Upload(ctx, f.author, c.file, bytes.NewReader(c.body))
			if err != nil {
				t.Fatalf("refused at upload (this case is about processing): %v", err)
			}
			process(t, f.st, f.svc)
			m, err = f.st.MediaByID(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if m.Processing != c.state || !strings.Contains(m.ProcessError, c.reason) {
				t.Fatalf("state %q reason %q; want %q containing %q", m.Processing, m.ProcessError, c.state, c.reason)
			}
			want := 1 + len(m.Sizes)
			if left := files(t, f.dir); len(left) != want {
				t.Fatalf("files %v, want the original and %d sizes", left, len(m.Sizes))
			}
			for _, k := range append([]string{m.Key}, func() (ks []string) {
				for _, v := range m.Sizes {
					ks = append(ks, v.Key)
				}
				return
			}()...) {
				if bytes.Contains(served(t, f.svc, k), []byte("<script")) {
					t.Errorf("%s serves the HTML", k)
				}
			}
		})
	}
}

// A WebP whose EXIF and XMP chunks name the place loses them (and their VP8X flags) in the
// job; the picture still decodes at its size.
func TestWebPMetadataStripped(t *testing.T) {
	f := setup(t, testdb.SQLite(t))
	ctx := context.Background()
	var simple bytes.Buffer
	if err := webpenc.Encode(ctx, &simple, image.NewGray(image.Rect(0, 0, 320, 200)), 80); err != nil { // opaque: a plain VP8 file
		t.Fatal(err)
	}
	vp8 := simple.Bytes()[12:] // the VP8 chunk
	chunk := func(fourcc string, data []byte) []byte {
		b := append([]byte(fourcc), 0, 0, 0, 0)
		binary.LittleEndian.PutUint32(b[4:], uint32(len(data)))
		b = append(b, data...)
		if len(data)%2 == 1 {
			b = append(b, 0)
		}
		return b
	}
	vp8x := []byte{0x08 | 0x04, 0, 0, 0, 319 & 0xff, 319 >> 8, 0, 199, 0, 0}
	var body []byte
	body = append(body, "WEBP"...)
	body = append(body, chunk("VP8X", vp8x)...)
	body = append(body, vp8...)
	body = append(body, chunk("EXIF", append([]byte("MM\x00\x2a"), secret...))...)
	body = append(body, chunk("XMP ", []byte("<x:xmpmeta>"+secret+"</x:xmpmeta>"))...)
	file := append([]byte("RIFF\x00\x00\x00\x00"), body...)
	binary.LittleEndian.PutUint32(file[4:], uint32(len(body)))
	m, err := f.svc.Upload(ctx, f.author, "place.webp", bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	process(t, f.st, f.svc)
	got := served(t, f.svc, m.Key)
	if bytes.Contains(got, []byte(secret)) {
		t.Fatal("WebP original still names the place")
	}
	cfg, err := xwebp.DecodeConfig(bytes.NewReader(got))
	if err != nil || cfg.Width != 320 || cfg.Height != 200 || got[20]&0x0c != 0 {
		t.Fatalf("stripped WebP: %+v, %v, flags %#x", cfg, err, got[20])
	}
	m, _ = f.st.MediaByID(ctx, m.ID)
	if m.Processing != broadside.MediaProcessed || m.Size != int64(len(got)) || m.SizeNamed("medium", "image/webp") == nil {
		t.Fatalf("row: %+v", m)
	}
	if left := files(t, f.dir); len(left) != 1+len(m.Sizes) {
		t.Fatalf("files: %v", left)
	}
}
