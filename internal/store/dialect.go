package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// timeLayout is how SQLite stores times: UTC, fixed width, microseconds (PostgreSQL's
// precision), so that comparing and ordering the text compares and orders the times.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func (s *Store) isPG() bool { return s.dialect == DialectPostgres }

// ts encodes t for a query parameter: NULL for the zero time, text on SQLite, timestamptz on
// PostgreSQL. Times are truncated to microseconds on both so round trips are exact.
func (s *Store) ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = t.UTC().Truncate(time.Microsecond)
	if s.isPG() {
		return t
	}
	return formatTime(t)
}

// formatTime is t.Format(timeLayout) for t in UTC, written digit by digit: an import formats
// a time for every comment, and Format, which reads its layout each time, was a third of the
// CPU of building a comment's values (issue 11 session 10). Years Format writes otherwise
// (before 0 or after 9999) go through Format.
func formatTime(t time.Time) string {
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.Format(timeLayout)
	}
	hour, minute, sec := t.Clock()
	var b [len(timeLayout)]byte
	digits := func(at, n, v int) {
		for i := at + n - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	digits(0, 4, year)
	digits(5, 2, int(month))
	digits(8, 2, day)
	digits(11, 2, hour)
	digits(14, 2, minute)
	digits(17, 2, sec)
	digits(20, 6, t.Nanosecond()/1000)
	b[4], b[7], b[10], b[13], b[16], b[19], b[26] = '-', '-', 'T', ':', ':', '.', 'Z'
	return string(b[:])
}

// timeScanner scans a time column of either dialect (and NULL as the zero time).
type timeScanner struct{ t *time.Time }

func scanTime(t *time.Time) timeScanner { return timeScanner{t} }

func (ts timeScanner) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*ts.t = time.Time{}
		return nil
	case time.Time:
		*ts.t = x.UTC()
		return nil
	case string:
		return ts.parse(x)
	case []byte:
		return ts.parse(string(x))
	}
	return fmt.Errorf("store: cannot scan %T as a time", v)
}

func (ts timeScanner) parse(s string) error {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return fmt.Errorf("store: bad time %q: %w", s, err)
		}
	}
	*ts.t = t.UTC()
	return nil
}

// nullID encodes an optional reference: 0 becomes NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nullStr encodes an optional string: "" becomes NULL.
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// skipLocked is appended to a SELECT … LIMIT 1 that picks a row to claim. SQLite has one
// writer, so it needs no row locks.
func (s *Store) skipLocked() string {
	if s.isPG() {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// notIndexed goes before a text column in a WHERE term to keep SQLite from choosing an index
// on that column (a unary plus): without statistics SQLite's planner takes an equality on a
// status index as selective, and a status is shared by most of the table. PostgreSQL has no
// unary plus on text and plans by its statistics.
func (s *Store) notIndexed() string {
	if s.isPG() {
		return ""
	}
	return "+"
}

// noLimit is the LIMIT that means "all rows", needed before an OFFSET.
func (s *Store) noLimit() string {
	if s.isPG() {
		return "ALL"
	}
	return "-1"
}

// bumpSequence makes PostgreSQL's identity sequence of table continue after its largest id,
// needed after inserting rows with explicit ids (imports keep WordPress ids). SQLite's
// AUTOINCREMENT does this by itself. table is always a constant from this package.
func (s *Store) bumpSequence(ctx context.Context, table string) error {
	if !s.isPG() {
		return nil
	}
	_, err := s.wr().ExecContext(ctx,
		"SELECT setval(pg_get_serial_sequence('"+table+"', 'id'), (SELECT max(id) FROM "+table+"))")
	if err != nil {
		return fmt.Errorf("store: advance %s id sequence: %w", table, err)
	}
	return nil
}

// args builds a parameter list and hands out $N placeholders for it.
type args struct {
	v []any
	// anon hands out SQLite's anonymous ? instead, for statements of hundreds of values
	// that use each exactly once and in order: the SQLite driver looks up every $N
	// parameter's name in a list as long as the statement's parameters, so binding a
	// 64-row insert cost five times its execution (docs/benchmarks.md, issue 11 session 7).
	anon bool
}

// seqArgs returns args for a long statement whose placeholders appear in the order their
// values were added, each once.
func (s *Store) seqArgs(n int) *args { return &args{v: make([]any, 0, n), anon: !s.isPG()} }

// add appends a value and returns its placeholder.
func (a *args) add(v any) string {
	a.v = append(a.v, v)
	return a.placeholder(len(a.v))
}

// placeholder returns the placeholder of the n-th value (from 1), for a statement whose
// text is written apart from its values (insertValues).
func (a *args) placeholder(n int) string {
	if a.anon {
		return "?"
	}
	return "$" + strconv.Itoa(n)
}

// placeholders returns the list of the placeholders of values from up to to (from 0), as
// "$1, $2": for values added without their placeholders.
func (a *args) placeholders(from, to int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		if i > from {
			b.WriteString(", ")
		}
		b.WriteString(a.placeholder(i + 1))
	}
	return b.String()
}

// in returns "($i, $j, …)" for values, appending them.
func in[T any](a *args, values []T) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, v := range values {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.add(v))
	}
	b.WriteByte(')')
	return b.String()
}

// likePattern turns a user's search text into a lowercase LIKE pattern matching it anywhere;
// use with "lower(col) LIKE $n ESCAPE '\'".
func likePattern(q string) string {
	q = strings.ToLower(q)
	q = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)
	return "%" + q + "%"
}

// Error helpers.

func notFound(msg string) error { return &broadside.Error{Code: broadside.ENOTFOUND, Message: msg} }

func conflict(msg string) error { return &broadside.Error{Code: broadside.ECONFLICT, Message: msg} }

// uniqueViolation reports whether err is a unique or primary key violation and returns a
// string naming the constraint or columns (to tell which one failed).
func uniqueViolation(err error) (string, bool) {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return se.Error(), true
		}
		return "", false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return pe.ConstraintName + " " + pe.Detail, true
	}
	return "", false
}

// foreignKeyViolation reports whether err is a foreign key violation.
func foreignKeyViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23503"
}

// isNoRows reports whether err means a single-row query found nothing.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// rowsAffected returns the affected row count of res, or err.
func rowsAffected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
