package store

import (
	"database/sql/driver"
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"modernc.org/sqlite"
)

// The SQLite search triggers (migrations/sqlite/0003_search.sql) index a post's body through
// broadside_plaintext(raw_body, body_format). Registering it with the driver makes it available
// on every SQLite connection this process opens. PostgreSQL has the same function in SQL.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("broadside_plaintext", 2, sqlPlaintext)
}

func sqlPlaintext(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	body, err := sqlText(args[0])
	if err != nil {
		return nil, err
	}
	format, err := sqlText(args[1])
	if err != nil {
		return nil, err
	}
	return SearchText(body, format), nil
}

func sqlText(v driver.Value) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	}
	return "", fmt.Errorf("broadside_plaintext: want text, got %T", v)
}

// markdownLinkTarget matches the "(url)" after a Markdown link's or image's text.
var markdownLinkTarget = regexp.MustCompile(`\]\([^)]*\)`)

// SearchText is the text of a post body that search indexes: tags, comments (WordPress's block
// markers), script and style contents and Markdown link targets removed, entities decoded. It
// is deliberately simpler than rendering the post (no Markdown conversion): the words are what
// matter, and it runs inside every write.
func SearchText(body, format string) string {
	if format == "markdown" {
		body = markdownLinkTarget.ReplaceAllString(body, "]")
	}
	if !strings.ContainsAny(body, "<&") {
		return body
	}
	z := html.NewTokenizer(strings.NewReader(body))
	var b strings.Builder
	b.Grow(len(body))
	skip := ""
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == "" {
				b.Write(z.Text())
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			if n := string(name); skip == "" && (n == "script" || n == "style") {
				skip = n
			}
			b.WriteByte(' ')
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == skip {
				skip = ""
			}
			b.WriteByte(' ')
		default: // comments, doctypes, self-closing tags
			b.WriteByte(' ')
		}
	}
}
