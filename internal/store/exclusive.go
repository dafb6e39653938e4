package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strconv"
)

// InExclusiveTx runs fn in one transaction, as InTx does. On SQLite, when no other
// connection has the database file open, the transaction runs with a rollback journal
// under an exclusive lock on the file instead of in WAL mode: every page a big transaction
// writes then reaches the file once, where WAL writes it to the log (two writes a page) and
// copies it again into the file when the commit checkpoints, and the statements that read
// back what the transaction wrote (an index build) read the file instead of looking each
// page up in the log. Into an empty table the journal holds only the few pages that existed
// before. WAL mode is back when it returns, committed or not; a process killed in the
// middle leaves a hot journal that the next connection to open the file rolls back, so the
// database is as it was, as it is after a failed InTx.
//
// While the transaction runs nothing else can read the file (this process's readers and
// other processes wait for it, up to their busy timeout), so only the file's one user asks
// for it: the command-line import, not a server. When the file is open elsewhere (a server
// in another process, this process's readers in use) it cannot be had, and fn runs in an
// ordinary transaction, as InTx; so it does on PostgreSQL and inside a transaction.
// exclusive reports which of the two ran.
func (s *Store) InExclusiveTx(ctx context.Context, fn func(tx *Store) error) (exclusive bool, err error) {
	if s.isPG() || s.tx != nil {
		return false, s.InTx(ctx, fn)
	}
	// Idle readers keep a shared lock on a WAL file: closed, they cannot keep the journal
	// mode from changing. They open again when next needed.
	s.r.SetMaxIdleConns(0)
	defer s.r.SetMaxIdleConns(readerConns())
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("store: exclusive transaction: %w", classify(err))
	}
	defer conn.Close()
	if !leaveWAL(ctx, conn) {
		discard(conn) // whatever the failed switch left set goes with the connection
		return false, s.InTx(ctx, fn)
	}
	err = s.runExclusive(ctx, conn, fn)
	if !backToWAL(ctx, conn) {
		// The writer's next connection asks for WAL, as every connection does: made now,
		// so that the file is not left in rollback mode (a cancelled context can take the
		// connection away from under the restore).
		discard(conn)
		_ = s.w.PingContext(context.WithoutCancel(ctx))
	}
	return true, err
}

// runExclusive runs fn in a transaction on conn while the file's dirty pages go to the disk
// (startWriteback), so that the commit's fsync finds little left to write; the writeback
// stops when the transaction ends, also when fn panics.
func (s *Store) runExclusive(ctx context.Context, conn *sql.Conn, fn func(tx *Store) error) error {
	defer startWriteback(s.path)()
	return s.runTx(ctx, conn.BeginTx, fn)
}

// leaveWAL takes the file for conn alone with a rollback journal, and reports whether it
// could: it cannot while any other connection has the file open.
func leaveWAL(ctx context.Context, conn *sql.Conn) bool {
	// Without waiting: a file another process has open stays taken for as long as that
	// process runs, and the busy timeout would only delay the ordinary transaction.
	var wait int
	if err := conn.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&wait); err != nil {
		return false
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
		return false
	}
	var mode string
	_, err := conn.ExecContext(ctx, "PRAGMA locking_mode = EXCLUSIVE")
	if err == nil {
		err = conn.QueryRowContext(ctx, "PRAGMA journal_mode = DELETE").Scan(&mode)
	}
	if _, e := conn.ExecContext(ctx, "PRAGMA busy_timeout = "+strconv.Itoa(wait)); e != nil {
		return false
	}
	return err == nil && mode == "delete"
}

// backToWAL gives the file back in WAL mode with ordinary locking, and reports whether it
// could.
func backToWAL(ctx context.Context, conn *sql.Conn) bool {
	ctx = context.WithoutCancel(ctx) // also after a cancelled import
	var mode string
	if _, err := conn.ExecContext(ctx, "PRAGMA locking_mode = NORMAL"); err != nil {
		return false
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		return false
	}
	return mode == "wal"
}

// discard closes conn's connection instead of handing it back to the pool.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
}
