package store

import (
	"testing"

	"github.com/broadside/broadside"
)

// TestImportWidths: importPostValues and importCommentValues add one value per column of
// importPostCols and importCommentCols, so the widths counted from those lists hold.
func TestImportWidths(t *testing.T) {
	s := &Store{}
	a := s.seqArgs(0)
	s.importPostValues(&broadside.Post{}, "", a)
	if got, want := len(a.v), columns(importPostCols); got != want || importPostWidth != want+1 {
		t.Errorf("importPostValues adds %d values for %d columns (importPostWidth %d)", got, want, importPostWidth)
	}
	a = s.seqArgs(0)
	s.importCommentValues(&broadside.Comment{}, a)
	if got, want := len(a.v), columns(importCommentCols); got != want || importCommentWidth != want+1 {
		t.Errorf("importCommentValues adds %d values for %d columns (importCommentWidth %d)", got, want, importCommentWidth)
	}
}
