package wxr

import (
	"strings"
	"testing"
)

// An end tag whose white space runs past the scanner's buffer makes it read on, which moves
// what it holds to the buffer's start: the error must still name the tag as it was written
// (the name was once sliced before the move and read after it).
func TestEndTagAcrossRefill(t *testing.T) {
	for _, tag := range []string{"</rss", "</other", "</x:rss"} {
		for _, end := range []string{"x>", ">"} {
			text := strings.Repeat("a", chunk-len("<rss>")-len(tag)-10)
			src := "<rss>" + text + tag + strings.Repeat(" ", 40) + end + strings.Repeat("b", 2*chunk)
			sameTokens(t, tag+" "+end+" across a refill", []byte(src))
		}
	}
}
