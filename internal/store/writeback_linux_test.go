package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestExclusiveTxStartsWriteback: while an exclusive transaction runs, the database file's
// dirty pages are handed to the disk through SQLite's own descriptor of the file, and that
// stops when the transaction ends.
func TestExclusiveTxStartsWriteback(t *testing.T) {
	var (
		mu  sync.Mutex
		fds []int
	)
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(fds) }
	old := syncRange
	syncRange = func(fd int) error {
		mu.Lock()
		fds = append(fds, fd)
		mu.Unlock()
		return old(fd)
	}
	t.Cleanup(func() { syncRange = old })

	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var want unix.Stat_t
	if err := unix.Stat(path, &want); err != nil {
		t.Fatal(err)
	}
	exclusive, err := s.InExclusiveTx(ctx, func(tx *Store) error {
		if _, err := tx.tx.ExecContext(ctx, "CREATE TABLE t (x TEXT)"); err != nil {
			return err
		}
		// More than the writer's page cache, so that pages reach the file before the commit.
		for i := 0; i < 2000; i++ {
			if _, err := tx.tx.ExecContext(ctx, "INSERT INTO t VALUES ($1)", strings.Repeat("x", 1000)); err != nil {
				return err
			}
		}
		for deadline := time.Now().Add(time.Minute); count() == 0; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				return errors.New("no writeback was asked for in a minute")
			}
		}
		mu.Lock()
		fd := fds[0]
		mu.Unlock()
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil || st.Dev != want.Dev || st.Ino != want.Ino {
			t.Errorf("writeback went to descriptor %d, not the database file (%v)", fd, err)
		}
		return nil
	})
	if err != nil || !exclusive {
		t.Fatalf("exclusive transaction: exclusive=%v, %v", exclusive, err)
	}
	if n := writebacks.Load(); n != 0 {
		t.Errorf("%d writeback goroutines still run after the transaction ended", n)
	}
	var rows int
	if err := s.rd().QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&rows); err != nil || rows != 2000 {
		t.Errorf("after the commit: %d rows, %v; want 2000", rows, err)
	}
}

// TestExclusiveTxPanicStopsWriteback: a transaction that panics stops its writeback too.
func TestExclusiveTxPanicStopsWriteback(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not come out of InExclusiveTx")
			}
		}()
		_, _ = s.InExclusiveTx(ctx, func(tx *Store) error {
			if writebacks.Load() != 1 {
				t.Errorf("%d writeback goroutines run in the transaction, want 1", writebacks.Load())
			}
			panic("fn failed")
		})
	}()
	if n := writebacks.Load(); n != 0 {
		t.Errorf("%d writeback goroutines still run after the transaction panicked", n)
	}
}

// TestDescriptorOf finds a descriptor of an open file, and none of a file not open.
func TestDescriptorOf(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "open")
	fd, err := unix.Open(path, unix.O_CREAT|unix.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if got, ok := descriptorOf(path); !ok || got != fd {
		t.Errorf("descriptorOf(open file) = %d, %v; want %d", got, ok, fd)
	}
	closed := filepath.Join(dir, "closed")
	if err := unix.Mkfifo(closed, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, ok := descriptorOf(closed); ok {
		t.Errorf("descriptorOf(a file nobody has open) = %d, want none", got)
	}
}
