package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/broadside/broadside"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// msgUnavailable is what a reader or API client is told while the database is away.
const msgUnavailable = "The site's database is not answering right now. Please try again in a moment."

// outage is a driver error that means the database cannot be reached or is not serving, as
// opposed to a bad query or a broken rule. It carries a broadside.EUNAVAILABLE error so the
// web layer answers 503 with Retry-After instead of 404 or 500, while errors.Is/As still see
// the driver's own error for logs.
type outage struct {
	cause  error
	domain *broadside.Error
}

func (o *outage) Error() string   { return "store: database unavailable: " + o.cause.Error() }
func (o *outage) Unwrap() []error { return []error{o.domain, o.cause} }

// classify marks err as an outage when it is one; every other error (no rows, a constraint,
// a syntax error) passes through unchanged.
func classify(err error) error {
	if err == nil || !unavailable(err) {
		return err
	}
	var o *outage
	if errors.As(err, &o) {
		return err
	}
	return &outage{cause: err, domain: broadside.Errorf(broadside.EUNAVAILABLE, "%s", msgUnavailable)}
}

// unavailable reports whether err says the database is away rather than that the request
// was wrong. A caller's own cancellation (the client went away) is not an outage; a deadline
// on the database is.
func unavailable(err error) bool {
	if errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	// database/sql's errDBClosed and pgxpool's closed pool are unexported strings.
	msg := err.Error()
	if strings.Contains(msg, "sql: database is closed") || strings.Contains(msg, "closed pool") ||
		strings.Contains(msg, "conn closed") {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL:
			return true
		}
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// 08: connection exception; 57P01-03: admin/crash shutdown, cannot connect now;
		// 53300: too many connections.
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P") || pe.Code == "53300"
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	return pgconn.Timeout(err)
}

// IsUnavailable reports whether err (from any Store method) means the database is away.
func IsUnavailable(err error) bool { return broadside.ErrorCode(err) == broadside.EUNAVAILABLE }

// classified is a querier whose errors are classified: every read and write of the Store goes
// through one, so an outage is recognised at this one edge, whatever method met it.
type classified struct{ q sqlQuerier }

func (c classified) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := c.q.ExecContext(ctx, query, args...)
	return res, classify(err)
}

func (c classified) QueryContext(ctx context.Context, query string, args ...any) (*rows, error) {
	r, err := c.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, classify(err)
	}
	return &rows{r}, nil
}

// rows is *sql.Rows with the errors of Scan, Err and Close classified too: a result set is
// streamed, so a connection that dies after the query was accepted surfaces from Next (as
// Err) or Scan, not from QueryContext.
type rows struct{ *sql.Rows }

func (r *rows) Scan(dest ...any) error { return classify(r.Rows.Scan(dest...)) }
func (r *rows) Err() error             { return classify(r.Rows.Err()) }
func (r *rows) Close() error           { return classify(r.Rows.Close()) }

func (c classified) QueryRowContext(ctx context.Context, query string, args ...any) row {
	return classifiedRow{c.q.QueryRowContext(ctx, query, args...)}
}

// row is what QueryRowContext returns: *sql.Row with its errors classified.
type row interface {
	Scan(dest ...any) error
	Err() error
}

type classifiedRow struct{ r *sql.Row }

func (r classifiedRow) Scan(dest ...any) error { return classify(r.r.Scan(dest...)) }
func (r classifiedRow) Err() error             { return classify(r.r.Err()) }

// openErr is the error of opening the SQLite file at path. A file another program holds
// past the busy timeout is, in practice, a command-line import, which has the file to itself
// until it ends: the error says so, and what to do.
func openErr(path string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY {
		return fmt.Errorf("store: open sqlite %s: another program holds the database (a `broadside import` keeps it until it ends); wait for it to finish, then start again: %w", path, err)
	}
	return fmt.Errorf("store: open sqlite %s: %w", path, err)
}
