package seed

import (
	"os"
	"strings"
	"testing"
	"time"
)

// FuzzParse: Parse never panics, and whatever it accepts is a consistent tree.
//
//	go test -run XXX -fuzz FuzzParse -fuzztime 20s ./internal/seed/
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile(capture); err == nil {
		f.Add(string(b))
	}
	f.Add("C\n\nT\n\ncap\n\nB\n\n2 comments\n\n  1. a\n    b\n\n    1. c\n\n        1. d\n  2. e\n")
	f.Fuzz(func(t *testing.T, in string) {
		d, err := Parse(strings.NewReader(in))
		if err != nil {
			return
		}
		seen := map[string]int{}
		for _, c := range d.Comments {
			if _, dup := seen[c.Ref]; dup {
				t.Fatalf("duplicate ref %s", c.Ref)
			}
			if c.Depth > 1 {
				pd, ok := seen[c.ParentRef]
				if !ok || pd != c.Depth-1 {
					t.Fatalf("%s: bad parent %q", c.Ref, c.ParentRef)
				}
			} else if c.ParentRef != "" {
				t.Fatalf("%s: top-level with parent", c.Ref)
			}
			seen[c.Ref] = c.Depth
		}
		rows := d.BroadsideComments(1, time.Unix(0, 0))
		for i, r := range rows {
			if r.ParentID >= r.ID || r.ID != int64(i+1) {
				t.Fatalf("row %d: id %d parent %d", i, r.ID, r.ParentID)
			}
		}
	})
}
