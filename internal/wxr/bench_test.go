package wxr

import (
	"bytes"
	"io"
	"os"
	"testing"
)

// BenchmarkReaderPass reads a whole export as an import's two passes do, from memory:
// BROADSIDE_WXR_BENCH names the file (e.g. one internal/importer's TestGenerateWXR wrote
// with BROADSIDE_GEN_WXR), else a small written export is read.
func BenchmarkReaderPass(b *testing.B) {
	var src []byte
	if f := os.Getenv("BROADSIDE_WXR_BENCH"); f != "" {
		var err error
		if src, err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
	} else {
		src = writtenExport(b)
	}
	for _, mode := range []string{"bodies", "skipBodies", "plan"} {
		b.Run(mode, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				rd := NewReader(bytes.NewReader(src))
				rd.SkipBodies = mode != "bodies"
				rd.OnlyCommentIDs = mode == "plan" // what the importer's first pass asks
				for {
					_, err := rd.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
