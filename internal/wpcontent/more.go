package wpcontent

import (
	"io"
	"strings"

	"golang.org/x/net/html"
)

// moreHold stands in for <!--more--> while a text whose marker sits inside an element is
// converted: autop sees plain inline text (private-use characters no author types), so it
// neither ends a paragraph nor opens one at the marker.
const moreHold = "\ue000broadside-more\ue000"

// insideElement reports whether the text before the marker leaves an element open (a
// heading, a quote, <em>…): then the marker is part of that element and the text must be
// converted whole, not split in two at the marker.
func insideElement(before string) bool {
	z := html.NewTokenizer(strings.NewReader(before))
	depth := map[string]int{}
	open := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return open > 0 && z.Err() == io.EOF
		case html.StartTagToken:
			name, _ := z.TagName()
			if !voidElement[string(name)] {
				depth[string(name)]++
				open++
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if depth[string(name)] > 0 {
				depth[string(name)]--
				open--
			}
		}
	}
}

var voidElement = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "param": true, "source": true, "track": true, "wbr": true}
