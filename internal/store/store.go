// Package store is Broadside's one storage layer for SQLite and PostgreSQL.
//
// The same SQL serves both databases wherever it can: modernc.org/sqlite binds $1..$N like
// PostgreSQL, and both understand RETURNING and ON CONFLICT. The few real differences (time
// encoding, row locking, date arithmetic) live in dialect.go.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Dialect names returned by (*Store).Dialect.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// Store reads and writes Broadside's data. A Store returned by Open is safe for concurrent use;
// the Store passed to an InTx callback is bound to that transaction and must not outlive it.
type Store struct {
	dialect string
	w       *sql.DB       // writer: SQLite's single connection; PostgreSQL's pool
	r       *sql.DB       // reader pool: SQLite read-only connections; the same pool on PostgreSQL
	pool    *pgxpool.Pool // PostgreSQL only, for native features such as LISTEN/NOTIFY
	path    string        // SQLite only: the database file (BackupSQLite)
	tx      *sql.Tx       // set on the Store handed to an InTx callback
	stmts   *stmtCache    // set by CachingStatements: tx's statements, prepared once each
	keep    *keptStmts    // SQLite only: the hot paths' reads, prepared once (prepared.go)
	node    string        // payload of NotifyChanged: who announces (AnnounceAs)
	// changes collects what a transaction's NotifyChanged calls announced, so the
	// announcements batched into one transaction are sent once each and this node hears
	// them (onChanged) only once the transaction commits.
	changes *changeSet
	// onChanged is how this node hears its own announced changes (OnChanged).
	onChanged func(tags []string)
	// commentReads is what ObserveCommentReads set: nil in production, where a discussion
	// read pays one load for it.
	commentReads *atomic.Pointer[func(rows int)]
}

// sqlQuerier is what *sql.DB and *sql.Tx have in common.
type sqlQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// querier is what the Store's methods read and write through: a sqlQuerier whose errors are
// classified (outage.go).
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) row
}

// Open connects to the database named by dsn: a postgres:// or postgresql:// URL selects
// PostgreSQL; anything else is the path of a SQLite file, created (with its directory) if needed.
// Open does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: parse postgres url: %w", err)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		// pgx defaults to max(4, CPUs), too few for a web server whose requests each need
		// one; several nodes × 10 stays well under PostgreSQL's default max_connections=100.
		cfg.MaxConns = 10
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	s := &Store{dialect: DialectPostgres, w: db, r: db, pool: pool, commentReads: new(atomic.Pointer[func(rows int)])}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: connect to postgres: %w", err)
	}
	return s, nil
}

// sqlitePragmas are applied to every SQLite connection.
//
// synchronous=FULL fsyncs the WAL on every commit. NORMAL is faster (measured on the dev VM's
// ext4 disk: ~32µs vs ~200µs per single-insert transaction) but may lose the last commits on a
// power cut, and an acknowledged comment or post must survive that. ~5,000 write transactions a
// second is far more than a publishing site needs; reads are unaffected.
// busy_timeout makes a connection wait for a lock (another process, a checkpoint) rather than
// fail at once.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"

// readerCacheKiB bounds each reader connection's page cache (SQLite's default is 2,000 KiB,
// which the writer keeps: a comment insert walks a dozen index B-trees). SQLite allocates its
// caches outside the Go heap, where the runtime's memory limit does not reach: with the
// default, a site with one large discussion had its 4 readers hold 9 MiB between them, 3 MB
// of the server's 62 MB peak RSS in bench/run.sh. A reader's working set is one request's
// pages (a 10,000-comment post's thread shape is about 400 KiB of index); the file's pages
// stay in the OS's cache, so a miss costs a read(2), not the disk.
const readerCacheKiB = 512

// newPageSize is the page size of a database this writer creates; an existing database keeps
// the one it was made with (only a VACUUM of the whole file could change it, and not in WAL
// mode). SQLite reads, writes and logs whole pages, a system call each, so bigger pages make
// the import's work cheaper (fewer calls, shallower B-trees); 16 KiB saved it a little more
// than 8 KiB but cost the server about 1 MB more of SQLite's memory, where goal 7's 60 MB peak
// RSS has less than that to spare (docs/benchmarks.md, "the page size of new databases").
// PRAGMA page_size applies only until the file's first page is written, which switching to
// WAL does; modernc's driver runs the _pragma list (sorted by name) before its _journal_mode
// key, whereas _pragma=journal_mode(WAL) would sort first.
var newPageSize = "&_pragma=page_size(" + strconv.Itoa(SQLitePageSize) + ")"

// SQLitePageSize is the page size of new databases, in bytes (newPageSize).
const SQLitePageSize = 8192

func openSQLite(ctx context.Context, path string) (*Store, error) {
	path = strings.TrimPrefix(path, "sqlite://")
	if path == "" {
		return nil, fmt.Errorf("store: empty database path")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("store: sqlite path %q must not contain '?' or '#'", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create database directory: %w", err)
		}
	}
	// The writer takes the write lock at BEGIN (_txlock=immediate) so a transaction that reads
	// and then writes never fails halfway with SQLITE_BUSY trying to upgrade its lock.
	w, err := sql.Open("sqlite", path+"?"+sqlitePragmas+newPageSize+"&_journal_mode=WAL&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	// SQLite allows one writer at a time; one connection queues writers in Go instead of
	// having them spin on the busy handler.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// Connect the writer first: it switches the file to WAL, which readers then find.
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, openErr(path, err)
	}
	r, err := sql.Open("sqlite", path+"?"+sqlitePragmas+"&_pragma=query_only(1)"+
		"&_pragma=cache_size("+strconv.Itoa(-readerCacheKiB)+")")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	n := readerConns()
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{dialect: DialectSQLite, w: w, r: r, path: path, commentReads: new(atomic.Pointer[func(rows int)]),
		keep: &keptStmts{stmts: map[string]*sql.Stmt{}}}
	if err := r.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	return s, nil
}

// readerConns is how many read-only connections a SQLite Store keeps.
func readerConns() int { return max(4, runtime.NumCPU()) }

// Close closes the connections. Closing a transaction-bound Store does nothing.
func (s *Store) Close() error {
	if s == nil || s.tx != nil {
		return nil
	}
	var err error
	if s.keep != nil {
		s.keep.close()
	}
	if s.r != nil && s.r != s.w {
		err = s.r.Close()
	}
	if s.w != nil {
		if e := s.w.Close(); e != nil && err == nil {
			err = e
		}
	}
	if s.pool != nil {
		s.pool.Close()
	}
	return err
}

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if s.tx != nil {
		return nil
	}
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", classify(err))
	}
	if s.r != s.w {
		if err := s.r.PingContext(ctx); err != nil {
			return fmt.Errorf("store: ping reader: %w", classify(err))
		}
	}
	return nil
}

// PgxPool returns the native pgx pool on PostgreSQL (for LISTEN/NOTIFY and COPY), nil on SQLite.
func (s *Store) PgxPool() *pgxpool.Pool { return s.pool }

// InTx runs fn in one transaction on the writer. Every method called on the Store passed to fn
// uses that transaction, reads included. The transaction commits when fn returns nil and rolls
// back otherwise (and on panic). InTx on a transaction-bound Store reuses its transaction.
//
// Inside fn, use only tx: on SQLite the outer Store's single writer connection is held by the
// transaction, so writing through the outer Store from fn would wait forever.
func (s *Store) InTx(ctx context.Context, fn func(tx *Store) error) (err error) {
	if s.tx != nil {
		return fn(s)
	}
	return s.runTx(ctx, s.w.BeginTx, fn)
}

// runTx is InTx's transaction, begun by begin: on the writer pool, or on the one connection
// InExclusiveTx holds.
func (s *Store) runTx(ctx context.Context, begin func(context.Context, *sql.TxOptions) (*sql.Tx, error), fn func(tx *Store) error) (err error) {
	tx, err := begin(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin transaction: %w", classify(err))
	}
	bound := *s
	bound.tx = tx
	bound.changes = &changeSet{}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(&bound); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", classify(err))
	}
	if bound.changes.any && s.onChanged != nil {
		s.onChanged(bound.changes.tags())
	}
	return nil
}

// rd returns what reads go through: the transaction when bound, else the reader pool.
func (s *Store) rd() querier {
	if s.stmts != nil {
		return classified{s.stmts.querier()}
	}
	if s.tx != nil {
		return classified{s.tx}
	}
	return classified{s.r}
}

// wr returns what writes go through: the transaction when bound, else the writer.
func (s *Store) wr() querier {
	if s.stmts != nil {
		return classified{s.stmts.querier()}
	}
	if s.tx != nil {
		return classified{s.tx}
	}
	return classified{s.w}
}
