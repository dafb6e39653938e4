package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"modernc.org/sqlite"

	"github.com/broadside/broadside"
)

// A post's search text is computed here, in Go, once per write of its body, and stored in
// posts.search_body; the search index of either database reads that column (migrations
// 0012_search_text.sql). Computing it a second time in SQL is how PostgreSQL came to miss
// words written as entities.
//
// broadside_plaintext is the same function registered with the SQLite driver, because
// migration sqlite/0003_search.sql (run on every new database) still calls it.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("broadside_plaintext", 2, sqlPlaintext)
	sqlite.MustRegisterDeterministicScalarFunction("broadside_search_text", 1, sqlSearchText)
}

// broadside_search_text is broadside.SearchIndexText for the SQLite triggers (migration
// 0027_search_language.sql); PostgreSQL has the same function written in SQL.
func sqlSearchText(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	text, err := sqlText(args[0])
	if err != nil {
		return nil, err
	}
	return broadside.SearchIndexText(text), nil
}

// SearchBody is what posts.search_body holds: the body's words as the index reads them. It
// reads nothing else, so an import computes it beside its writer (ImportedPost).
func SearchBody(body, format string) string {
	return broadside.SearchIndexText(SearchText(body, format))
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
		return plainSpaces(body)
	}
	z := html.NewTokenizer(strings.NewReader(body))
	var b strings.Builder
	b.Grow(len(body))
	skip := ""
	for {
		switch z.Next() {
		case html.ErrorToken:
			return plainSpaces(b.String())
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

// plainSpaces turns Unicode spaces (a no-break space from &nbsp;, say) into ASCII ones: the
// two databases' tokenizers disagree on whether they separate words, and a plain space
// separates them for both.
func plainSpaces(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.Map(func(r rune) rune {
				if r >= utf8.RuneSelf && unicode.IsSpace(r) {
					return ' '
				}
				return r
			}, s)
		}
	}
	return s
}

// searchTextBatch is how many posts fillSearchText loads at a time: bodies can be large.
const searchTextBatch = 200

// fillSearchText stores the search text of the posts that have none (a database migrated from
// before posts.search_body, or a post another tool wrote), or of every post when all is set
// (the text's definition may have changed). Writing the column reindexes the post through the
// search triggers; a post whose text is already right is not written.
func (s *Store) fillSearchText(ctx context.Context, all bool) error {
	cond := " AND search_body IS NULL"
	if all {
		cond = ""
	}
	type post struct {
		id           int64
		body, format string
		old          sql.NullString
	}
	var after int64
	for {
		rows, err := s.wr().QueryContext(ctx, `SELECT id, raw_body, body_format, search_body FROM posts
WHERE id > $1`+cond+` ORDER BY id LIMIT `+strconv.Itoa(searchTextBatch), after)
		if err != nil {
			return fmt.Errorf("store: compute search text: %w", err)
		}
		var batch []post
		for rows.Next() {
			var p post
			if err := rows.Scan(&p.id, &p.body, &p.format, &p.old); err != nil {
				rows.Close()
				return fmt.Errorf("store: compute search text: %w", err)
			}
			batch = append(batch, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: compute search text: %w", err)
		}
		err = s.InTx(ctx, func(tx *Store) error { // one commit per batch, not per post
			for _, p := range batch {
				text := SearchBody(p.body, p.format)
				if p.old.Valid && p.old.String == text {
					continue
				}
				if _, err := tx.wr().ExecContext(ctx, "UPDATE posts SET search_body = $1 WHERE id = $2", text, p.id); err != nil {
					return fmt.Errorf("store: store search text of post %d: %w", p.id, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(batch) < searchTextBatch {
			return nil
		}
		after = batch[len(batch)-1].id
	}
}
