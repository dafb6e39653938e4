package subscriptions

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/broadside/broadside"
)

// TestImportLongNameIsClipped: a subscriber list's name longer than a subscriber's name may
// be is clipped to fit, not a bad row. The clip used to add an ellipsis past the bound, so
// the row failed the subscriber's own check.
func TestImportLongNameIsClipped(t *testing.T) {
	opt := ImportOptions{Columns: Columns{Email: 0, Date: -1, Status: -1, Name: 1, LastName: -1}}
	long := strings.Repeat("Ä", broadside.MaxSubscriberNameLen+50)
	sub, err := importRow([]string{"reader@example.org", long}, opt, "", time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatalf("a %d-character name: %v, want it clipped", utf8.RuneCountInString(long), err)
	}
	if n := utf8.RuneCountInString(sub.Name); n != broadside.MaxSubscriberNameLen || !strings.HasPrefix(long, strings.TrimSuffix(sub.Name, "…")) {
		t.Fatalf("name clipped to %d characters (%q…), want %d from the start of the given one", n, sub.Name[:20], broadside.MaxSubscriberNameLen)
	}
}
