package media

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strconv"
	"time"

	"golang.org/x/image/webp"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/media/webpenc"
	"github.com/broadside/broadside/internal/store"
)

// JobProcess is the job that makes an uploaded image's sizes and WebP twins and strips its
// metadata. Every channel that creates a media row (upload, the WordPress import, the REST
// API) enqueues it with EnqueueProcess in the transaction that creates the row, so a restart
// between the two loses nothing.
const JobProcess = "media.process"

// EnqueueProcess queues the processing of the image with id on tx (the transaction that
// created its row), due at now (the caller's clock). Enqueueing the same file twice while a
// run is pending is a no-op.
func EnqueueProcess(ctx context.Context, tx *store.Store, id int64, now time.Time) error {
	return jobs.Enqueue(ctx, tx, JobProcess, JobProcess+":"+strconv.FormatInt(id, 10), now, processPayload{MediaID: id})
}

// Lane is the worker lane image processing runs in: a lane of its own, with one goroutine
// unless configured otherwise, so a node decodes one image at a time (memory stays bounded
// by one image) and a batch of uploads never delays mail or newsletters.
const Lane jobs.Lane = "media"

type processPayload struct {
	MediaID int64 `json:"media_id"`
}

// ProcessHandler is the worker's handler for JobProcess.
func (s *Service) ProcessHandler() jobs.Handler {
	return func(ctx context.Context, payload []byte) error {
		var p processPayload
		if err := json.Unmarshal(payload, &p); err != nil || p.MediaID <= 0 {
			return fmt.Errorf("media: bad %s payload %q", JobProcess, payload)
		}
		err := s.Process(ctx, p.MediaID)
		if err != nil && jobs.LastAttempt(ctx) {
			// The storage or the database kept failing: the library says so rather than
			// showing the file as being processed for ever.
			reason := "Its sizes could not be made: the file storage or the database kept failing (" + err.Error() + "). Upload it again, or ask the site's administrator to check the storage."
			if serr := s.Store.SetMediaProcessing(context.WithoutCancel(ctx), p.MediaID, broadside.MediaFailed, reason); serr != nil {
				s.Log.Error("media: marking a file failed", "media_id", p.MediaID, "err", serr)
			}
		}
		return err
	}
}

// maxProgressivePixels caps progressive JPEGs, which Go's decoder holds as 32-bit DCT
// coefficients until the last scan (6 bytes a pixel at 4:2:0): 30 megapixels is ~180 MB.
const maxProgressivePixels = 30_000_000

// failure is a reason the file itself cannot be processed: retrying would not help, so the
// file is marked failed with the reason for the library instead.
type failure struct{ reason string }

func (f failure) Error() string { return f.reason }

func failf(format string, a ...any) error { return failure{fmt.Sprintf(format, a...)} }

// Process strips the metadata of the image with id (unless the site keeps it), orients it,
// and stores its sizes with a WebP twin each. It is idempotent: a second run replaces the
// first's variants. A file that cannot be processed is marked failed with the reason (and
// the job succeeds); storage and database errors return for the job to retry.
func (s *Service) Process(ctx context.Context, id int64) error {
	m, err := s.Store.MediaByID(ctx, id)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return nil // deleted before its turn
	}
	if err != nil {
		return err
	}
	if !m.IsImage() {
		return nil
	}
	err = s.process(ctx, m)
	var f failure
	if errors.As(err, &f) {
		s.Log.Warn("media: image not processed", "media_id", id, "reason", f.reason)
		return s.Store.SetMediaProcessing(ctx, id, broadside.MediaFailed, f.reason)
	}
	return err
}

func (s *Service) process(ctx context.Context, m *broadside.Media) error {
	if !s.keepMetadata(ctx) {
		if err := s.stripOriginal(ctx, m); err != nil {
			return err
		}
	}
	obj, err := s.Storage.Open(ctx, m.Key)
	if err != nil {
		return fmt.Errorf("media: open %s: %w", m.Key, err)
	}
	defer obj.Close()
	orientation, progressive := 1, false
	if m.MimeType == "image/jpeg" {
		info := readJPEGInfo(io.LimitReader(obj, 1<<20))
		orientation, progressive = info.orientation, info.progressive
	}
	if _, err := obj.Seek(0, io.SeekStart); err != nil {
		return err
	}
	w, h, err := decodeConfig(m.MimeType, bufio.NewReader(obj))
	if err != nil {
		return failf("The image's header could not be read (%v).", err)
	}
	if int64(w)*int64(h) > int64(s.maxPixels()) {
		return failf("The image is %d×%d pixels, more than the limit of %d megapixels.", w, h, s.maxPixels()/1_000_000)
	}
	if progressive && w*h > maxProgressivePixels {
		return failf("The image is a progressive JPEG of %d megapixels; above %d megapixels only baseline JPEGs are resized. The original is kept and served.",
			w*h/1_000_000, maxProgressivePixels/1_000_000)
	}
	if _, err := obj.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if m.MimeType == "image/gif" {
		n, err := gifFrames(bufio.NewReader(obj))
		if err != nil {
			return failf("The GIF could not be read (%v).", err)
		}
		if n > 1 {
			// Animated GIFs are kept as they are: resizing every frame costs frames×pixels of
			// memory and a still of the first frame would stop the animation readers expect.
			return s.Store.SetMediaProcessed(ctx, m.ID, w, h, m.Size, nil)
		}
		if _, err := obj.Seek(0, io.SeekStart); err != nil {
			return err
		}
	}
	ow, oh := w, h
	if orientation >= 5 {
		ow, oh = h, w
	}
	plan := planSizes(s.sizes(), ow, oh)
	var made []broadside.MediaSize
	err = safely(func() error {
		var err error
		made, err = s.makeVariants(ctx, m, obj, orientation, ow, oh, plan)
		return err
	})
	if err != nil {
		s.deleteKeys(ctx, unlisted(made, m.Sizes)) // the row still lists its earlier sizes
		return err
	}
	// The sizes change how pages show the image: announced to every node in the same write.
	if err := s.announced(ctx, func(tx *store.Store) error {
		return tx.SetMediaProcessed(ctx, m.ID, ow, oh, m.Size, made)
	}); err != nil {
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			s.deleteKeys(ctx, made)
			return nil // deleted while it was being processed: its variants went above
		}
		s.deleteKeys(ctx, unlisted(made, m.Sizes))
		return err
	}
	// Variants of an earlier run that this one did not make again (the sizes changed).
	keep := map[string]bool{}
	for _, v := range made {
		keep[v.Key] = true
	}
	for _, v := range m.Sizes {
		if !keep[v.Key] {
			s.deleteKeys(ctx, []broadside.MediaSize{v})
		}
	}
	return nil
}

// safely runs fn, turning a panic (a decoder tripping over a hostile file) into a failure.
func safely(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = failf("The image could not be decoded: the decoder failed on it (%v).", r)
		}
	}()
	return fn()
}

// makeVariants decodes the original once, reduces it to the largest size any variant needs
// (the decoded original is then let go), turns it upright, and cuts every size from that,
// in the original's type (PNG for a GIF) and as a WebP twin.
func (s *Service) makeVariants(ctx context.Context, m *broadside.Media, r io.Reader, orientation, ow, oh int, plan []plannedSize) ([]broadside.MediaSize, error) {
	mainMime := m.MimeType
	if mainMime == "image/gif" {
		mainMime = "image/png" // a still GIF's sizes as PNG: lossless, no 256-colour palette
	}
	types := []string{mainMime}
	if mainMime != "image/webp" {
		types = append(types, "image/webp")
	}
	return s.makeSizes(ctx, m, r, orientation, ow, oh, plan, types)
}

// makeSizes is makeVariants with the types each size is stored in.
func (s *Service) makeSizes(ctx context.Context, m *broadside.Media, r io.Reader, orientation, ow, oh int, plan []plannedSize, types []string) ([]broadside.MediaSize, error) {
	if len(plan) == 0 {
		return nil, nil
	}
	src, err := decodeImage(m.MimeType, bufio.NewReaderSize(r, 64<<10))
	if err != nil {
		return nil, failf("The image could not be decoded (%v); it may be damaged or cut short.", err)
	}
	// The working image: the whole picture at the largest scale a variant uses.
	scale := 0.0
	for _, p := range plan {
		scale = max(scale, float64(p.w)/float64(p.crop.Dx()), float64(p.h)/float64(p.crop.Dy()))
	}
	ww, wh := min(ow, int(float64(ow)*scale+0.999)), min(oh, int(float64(oh)*scale+0.999))
	rw, rh := ww, wh
	if orientation >= 5 {
		rw, rh = wh, ww
	}
	work := image.Image(resample(src, src.Bounds(), rw, rh))
	src = nil
	runtime.GC() // give the decoded original's memory back before encoding
	work = orient(work, orientation)
	fx, fy := float64(ww)/float64(ow), float64(wh)/float64(oh)
	var made []broadside.MediaSize
	for _, p := range plan {
		if err := ctx.Err(); err != nil {
			return made, err
		}
		cr := image.Rect(int(float64(p.crop.Min.X)*fx), int(float64(p.crop.Min.Y)*fy),
			min(ww, int(float64(p.crop.Max.X)*fx+0.5)), min(wh, int(float64(p.crop.Max.Y)*fy+0.5)))
		img := resample(work, cr, p.w, p.h)
		for _, mt := range types {
			v, err := s.putVariant(ctx, m.Key, p, img, mt)
			if err != nil {
				return made, err
			}
			made = append(made, v)
		}
	}
	return made, nil
}

var extOf = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}

// putVariant encodes img as mime and stores it. A size an earlier run stored is kept as it
// is: storage writes are all-or-nothing, the same original gives the same size, and a file
// pages may link to is never deleted before its replacement exists.
func (s *Service) putVariant(ctx context.Context, original string, p plannedSize, img *image.RGBA, mime string) (broadside.MediaSize, error) {
	v := broadside.MediaSize{Name: p.spec.Name, Key: variantKey(original, p.w, p.h, extOf[mime]), MimeType: mime, Width: p.w, Height: p.h}
	if obj, err := s.Storage.Open(ctx, v.Key); err == nil {
		v.Size = obj.Size()
		obj.Close()
		return v, nil
	}
	var buf bytes.Buffer
	var err error
	switch mime {
	case "image/jpeg":
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 82}) // WordPress's default quality
	case "image/png":
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img)
	case "image/webp":
		err = webpenc.Encode(ctx, &buf, img, 80)
	}
	if err != nil {
		return v, fmt.Errorf("media: encode %s: %w", v.Key, err)
	}
	n, err := s.Storage.Put(ctx, v.Key, &buf)
	if err != nil {
		return v, fmt.Errorf("media: store %s: %w", v.Key, err)
	}
	v.Size = n
	return v, nil
}

// unlisted returns the sizes of made that listed does not name.
func unlisted(made, listed []broadside.MediaSize) []broadside.MediaSize {
	var out []broadside.MediaSize
	for _, v := range made {
		if !slices.ContainsFunc(listed, func(l broadside.MediaSize) bool { return l.Key == v.Key }) {
			out = append(out, v)
		}
	}
	return out
}

func (s *Service) deleteKeys(ctx context.Context, vs []broadside.MediaSize) {
	for _, v := range vs {
		if err := s.Storage.Delete(context.WithoutCancel(ctx), v.Key); err != nil {
			s.Log.Error("media: removing a variant", "key", v.Key, "err", err)
		}
	}
}

// stripOriginal removes the metadata of an original that still has some (one an import or
// an older version stored): the stripped copy replaces it under the same key. Uploads are
// stripped on their way in, so for them this finds nothing to do. Storage never overwrites,
// so the copy is first stored under a side key; a run that dies between deleting the
// original and storing the copy finds the side copy next time and finishes the swap.
func (s *Service) stripOriginal(ctx context.Context, m *broadside.Media) error {
	if m.MimeType != "image/jpeg" && m.MimeType != "image/png" && m.MimeType != "image/gif" && m.MimeType != "image/webp" {
		return nil
	}
	side := variantKey(m.Key, 0, 0, ".meta")
	obj, err := s.Storage.Open(ctx, m.Key)
	if errors.Is(err, fs.ErrNotExist) {
		if obj, err = s.Storage.Open(ctx, side); err == nil {
			defer obj.Close()
			return s.swapIn(ctx, m, side, obj)
		}
	}
	if err != nil {
		return fmt.Errorf("media: open %s: %w", m.Key, err)
	}
	defer obj.Close()
	tmp, err := os.CreateTemp("", "broadside-strip-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if m.MimeType == "image/webp" {
		// WebP uploads are stripped here, not on the way in: the RIFF size comes first.
		err = stripWebP(tmp, obj)
	} else {
		err = stripMetadata(tmp, bufio.NewReader(obj), m.MimeType)
	}
	if err != nil {
		return failf("The image's structure could not be read to remove its metadata (%v).", err)
	}
	n, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	if n == obj.Size() {
		return nil // nothing was removed
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if err := s.Storage.Delete(ctx, side); err != nil {
		return err
	}
	if _, err := s.Storage.Put(ctx, side, tmp); err != nil {
		return fmt.Errorf("media: store stripped %s: %w", m.Key, err)
	}
	if err := s.Storage.Delete(ctx, m.Key); err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return s.swapIn(ctx, m, side, tmp)
}

// swapIn stores r (the stripped copy) under the original's key and drops the side copy.
func (s *Service) swapIn(ctx context.Context, m *broadside.Media, side string, r io.Reader) error {
	n, err := s.Storage.Put(ctx, m.Key, r)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("media: store stripped %s: %w", m.Key, err)
	}
	if err == nil {
		m.Size = n
	}
	return s.Storage.Delete(ctx, side)
}

// decodeImage decodes an image of an accepted type.
func decodeImage(mime string, r io.Reader) (image.Image, error) {
	switch mime {
	case "image/jpeg":
		return jpeg.Decode(r)
	case "image/png":
		return png.Decode(r)
	case "image/gif":
		return gif.Decode(r)
	case "image/webp":
		return webp.Decode(r)
	}
	return nil, fmt.Errorf("no decoder for %s", mime)
}

// gifFrames counts the frames of a GIF by walking its blocks, without decoding any.
func gifFrames(r *bufio.Reader) (int, error) {
	var h [13]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, err
	}
	if h[10]&0x80 != 0 {
		if _, err := r.Discard(3 << (int(h[10]&7) + 1)); err != nil {
			return 0, err
		}
	}
	skipSubBlocks := func() error {
		for {
			n, err := r.ReadByte()
			if err != nil {
				return err
			}
			if n == 0 {
				return nil
			}
			if _, err := r.Discard(int(n)); err != nil {
				return err
			}
		}
	}
	frames := 0
	for {
		b, err := r.ReadByte()
		if err != nil {
			return frames, err
		}
		switch b {
		case 0x21:
			if _, err := r.ReadByte(); err != nil {
				return frames, err
			}
			if err := skipSubBlocks(); err != nil {
				return frames, err
			}
		case 0x2C:
			var d [9]byte
			if _, err := io.ReadFull(r, d[:]); err != nil {
				return frames, err
			}
			if d[8]&0x80 != 0 {
				if _, err := r.Discard(3 << (int(d[8]&7) + 1)); err != nil {
					return frames, err
				}
			}
			if _, err := r.ReadByte(); err != nil { // LZW minimum code size
				return frames, err
			}
			if err := skipSubBlocks(); err != nil {
				return frames, err
			}
			frames++
		case 0x3B:
			return frames, nil
		default:
			return frames, fmt.Errorf("unknown GIF block %#x", b)
		}
	}
}
