package avatar

import (
	"bytes"
	"encoding/hex"
	"encoding/xml"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Parse reads the file name of a generated avatar (the last segment of its path, without
// Prefix): key "-" initials ".svg". It accepts only what URL writes: a key of keyLen hex
// digits and at most two letters or digits, so the drawing never holds anything a visitor
// chose beyond two characters.
func Parse(file string) (key, initials string, ok bool) {
	file, found := strings.CutSuffix(file, ".svg")
	if !found {
		return "", "", false
	}
	key, initials, found = strings.Cut(file, "-")
	if !found || len(key) != keyLen || strings.ToLower(key) != key {
		return "", "", false
	}
	if _, err := hex.DecodeString(key); err != nil {
		return "", "", false
	}
	if utf8.RuneCountInString(initials) > 2 || !utf8.ValidString(initials) {
		return "", "", false
	}
	for _, r := range initials {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return "", "", false
		}
	}
	return key, initials, true
}

// SVG draws a generated avatar: initials in white on a colour taken from the key. Callers
// pass what Parse returned; the text is escaped anyway.
func SVG(key, initials string) []byte {
	hue := 0
	if b, err := hex.DecodeString(key); err == nil && len(b) >= 2 {
		hue = (int(b[0])<<8 | int(b[1])) % 360
	}
	var b bytes.Buffer
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">`)
	b.WriteString(`<rect width="96" height="96" fill="hsl(` + strconv.Itoa(hue) + `,45%,40%)"/>`)
	if initials != "" {
		size := 40
		if utf8.RuneCountInString(initials) == 1 {
			size = 48
		}
		b.WriteString(`<text x="48" y="50%" dy=".35em" text-anchor="middle" fill="#fff" font-family="system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif" font-size="` +
			strconv.Itoa(size) + `">`)
		_ = xml.EscapeText(&b, []byte(initials))
		b.WriteString(`</text>`)
	}
	b.WriteString(`</svg>`)
	return b.Bytes()
}
