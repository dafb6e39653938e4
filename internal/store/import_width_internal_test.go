package store

import (
	"testing"
	"time"

	"github.com/broadside/broadside"
)

// TestImportWidths: importPostValues and addImportComment (with every choice of columns)
// add one value per column of the lists they go with, so the widths counted from those
// lists hold.
func TestImportWidths(t *testing.T) {
	s := &Store{}
	a := s.seqArgs(0)
	s.importPostValues(&broadside.Post{}, "", a)
	if got, want := len(a.v), columns(importPostCols); got != want || importPostWidth != want+1 {
		t.Errorf("importPostValues adds %d values for %d columns (importPostWidth %d)", got, want, importPostWidth)
	}
	for cols := range allCommentCols + 1 {
		a = s.seqArgs(0)
		s.addImportComment(&broadside.Comment{}, cols, a)
		if got := len(a.v); got != cols.width() || got != columns(importCommentCols[cols]) {
			t.Errorf("columns %04b: addImportComment adds %d values, width %d, for the %d columns %q", cols, got, cols.width(), columns(importCommentCols[cols]), importCommentCols[cols])
		}
	}
}

// TestFormatTime: formatTime writes what Format writes with timeLayout, at the edges of
// every field and of the years it writes itself, and beyond them.
func TestFormatTime(t *testing.T) {
	times := []time.Time{{}, time.Unix(0, 0), time.Unix(1<<40, 999_999_999), time.Unix(-1<<40, 1)}
	for _, y := range []int{-1, 0, 1, 999, 1000, 1969, 2026, 9999, 10000} {
		times = append(times, time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 23, 59, 59, 999_999_000, time.UTC))
	}
	for i := range 2000 {
		times = append(times, time.Unix(int64(i)*987_654_321, int64(i)*7_777_777%1_000_000_000))
	}
	for _, tm := range times {
		tm = tm.UTC().Truncate(time.Microsecond)
		if got, want := formatTime(tm), tm.Format(timeLayout); got != want {
			t.Errorf("formatTime(%v) = %q, want %q", tm, got, want)
		}
	}
}
