package store

import (
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
)

// TestImportWidths: importPostValues, importCommentValues and addNewComment (in every shape)
// add one value per column of the lists they go with, so the widths counted from those
// lists hold.
func TestImportWidths(t *testing.T) {
	s := &Store{}
	a := s.seqArgs(0)
	s.importPostValues(&broadside.Post{}, "", a)
	if got, want := len(a.v), columns(importPostCols); got != want || importPostWidth != want+1 {
		t.Errorf("importPostValues adds %d values for %d columns (importPostWidth %d)", got, want, importPostWidth)
	}
	a = s.seqArgs(0)
	s.importCommentValues(&broadside.Comment{}, a)
	if got, want := len(a.v), columns(importCommentCols); got != want {
		t.Errorf("importCommentValues adds %d values for %d columns", got, want)
	}
	for shape := range allNewCommentShapes {
		a = s.seqArgs(0)
		s.addNewComment(&broadside.Comment{}, shape, a)
		head := newCommentHeads[shape]
		cols := head[strings.Index(head, "(")+1 : strings.Index(head, ")")]
		if got := len(a.v); got != shape.width() || got != columns(cols) {
			t.Errorf("shape %04b: addNewComment adds %d values, width %d, for the %d columns of %q", shape, got, shape.width(), columns(cols), head)
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
