// Package webpenc encodes WebP images with libwebp compiled to WebAssembly and run by wazero:
// real libwebp quality, no cgo, a static binary, and a hostile input can at worst fail inside
// the WASM sandbox. See SOURCES.md for where the module comes from.
package webpenc

import (
	"bytes"
	"compress/gzip"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"io"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

//go:embed webp.wasm.gz
var wasmGz []byte

// engine is compiled once per process (a second or so); each Encode instantiates it afresh,
// so an image's WASM memory is released when its encoding ends.
type engine struct {
	rt  wazero.Runtime
	cm  wazero.CompiledModule
	cfg wazero.ModuleConfig
	err error
}

var (
	once sync.Once
	eng  engine
)

func load() (*engine, error) {
	once.Do(func() {
		ctx := context.Background()
		zr, err := gzip.NewReader(bytes.NewReader(wasmGz))
		if err != nil {
			eng.err = err
			return
		}
		wasm, err := io.ReadAll(zr)
		if err != nil {
			eng.err = err
			return
		}
		eng.rt = wazero.NewRuntime(ctx)
		if _, err := wasi_snapshot_preview1.Instantiate(ctx, eng.rt); err != nil {
			eng.err = err
			return
		}
		eng.cm, eng.err = eng.rt.CompileModule(ctx, wasm)
		// libwebp writes nothing useful to stdout/stderr; keep it out of the server's logs.
		eng.cfg = wazero.NewModuleConfig().WithStdout(io.Discard).WithStderr(io.Discard).WithName("")
	})
	if eng.err != nil {
		return nil, fmt.Errorf("webpenc: load libwebp: %w", eng.err)
	}
	return &eng, nil
}

// Encode writes img to w as a lossy WebP of quality 0-100 (method 4, libwebp's default
// speed/size trade-off).
func Encode(ctx context.Context, w io.Writer, img image.Image, quality int) error {
	e, err := load()
	if err != nil {
		return err
	}
	mod, err := e.rt.InstantiateModule(ctx, e.cm, e.cfg)
	if err != nil {
		return fmt.Errorf("webpenc: instantiate: %w", err)
	}
	defer mod.Close(ctx)
	malloc, free, encode := mod.ExportedFunction("malloc"), mod.ExportedFunction("free"), mod.ExportedFunction("encode")
	if malloc == nil || free == nil || encode == nil {
		return errors.New("webpenc: the module lacks malloc, free or encode")
	}
	pix, width, height := nrgba(img)
	res, err := malloc.Call(ctx, uint64(len(pix)))
	if err != nil || res[0] == 0 {
		return fmt.Errorf("webpenc: alloc %d bytes: %v", len(pix), err)
	}
	in := res[0]
	if !mod.Memory().Write(uint32(in), pix) {
		return errors.New("webpenc: write pixels")
	}
	res, err = malloc.Call(ctx, 8)
	if err != nil || res[0] == 0 {
		return fmt.Errorf("webpenc: alloc: %v", err)
	}
	sizePtr := res[0]
	// encode(rgba, width, height, *size, colorspace 0 = RGBA, quality, method, lossless, exact)
	res, err = encode.Call(ctx, in, uint64(width), uint64(height), sizePtr, 0, uint64(max(1, min(quality, 100))), 4, 0, 0)
	if err != nil {
		return fmt.Errorf("webpenc: encode: %w", err)
	}
	size, ok := mod.Memory().ReadUint64Le(uint32(sizePtr))
	if !ok || size == 0 || res[0] == 0 {
		return errors.New("webpenc: libwebp could not encode the image")
	}
	out, ok := mod.Memory().Read(uint32(res[0]), uint32(size))
	if !ok {
		return errors.New("webpenc: read the encoded image")
	}
	_, err = w.Write(out)
	return err
}

// nrgba returns img's pixels as non-premultiplied RGBA rows, which libwebp's RGBA import
// expects; an opaque *image.RGBA is that already.
func nrgba(img image.Image) ([]byte, int, int) {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.NRGBA:
		if m.Stride == 4*b.Dx() {
			return m.Pix, b.Dx(), b.Dy()
		}
	case *image.RGBA:
		if m.Stride == 4*b.Dx() && m.Opaque() {
			return m.Pix, b.Dx(), b.Dy()
		}
	}
	dst := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Rect, img, b.Min, draw.Src)
	return dst.Pix, b.Dx(), b.Dy()
}
