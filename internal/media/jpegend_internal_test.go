package media

import (
	"bytes"
	"testing"
)

// FuzzJPEGEnd: whatever the bytes and however they are split into reads, the walker never
// panics, reports an end inside the chunk it was given, and finds the same end for one read
// as for many.
func FuzzJPEGEnd(f *testing.F) {
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xD9, 'x'}, 1)
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x06, 0xFF, 0xD9, 0x00, 0x00, 0xFF, 0xDA, 0x00, 0x02, 0x12, 0xFF, 0x00, 0xFF, 0xD0, 0xFF, 0xD9, '<'}, 3)
	f.Add(bytes.Repeat([]byte{0xFF}, 40), 7)
	f.Fuzz(func(t *testing.T, b []byte, step int) {
		whole := (&jpegEnd{}).feed(b)
		if whole > len(b) {
			t.Fatalf("end %d past %d bytes", whole, len(b))
		}
		if step <= 0 || step > len(b) {
			return
		}
		j, off, got := &jpegEnd{}, 0, -1
		for off < len(b) && got < 0 && !j.lost {
			n := min(step, len(b)-off)
			if k := j.feed(b[off : off+n]); k >= 0 {
				if k > n {
					t.Fatalf("end %d past a read of %d", k, n)
				}
				got = off + k
			}
			off += n
		}
		if got != whole && !(whole < 0 && got < 0) {
			t.Fatalf("one read: end %d; reads of %d: end %d", whole, step, got)
		}
	})
}
