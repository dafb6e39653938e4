package store

import (
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// writebackEvery is how often a long exclusive transaction hands the file's dirty pages to
// the disk.
const writebackEvery = 200 * time.Millisecond

// startWriteback starts writing the database file's dirty pages to the disk while a long
// transaction is still making more, and returns the function that stops it. SQLite writes
// the pages of a big transaction into the OS's cache as its cache spills, and the kernel
// keeps them there (its background writeback waits for a tenth of memory to be dirty), so
// the commit's fsync found the whole import still to write: 0.1 s per 40 MB on this
// machine's disk, with the CPU idle. Started early (sync_file_range asks for the write and
// does not wait for it), that I/O runs while the import still has CPU work to do. It
// changes nothing SQLite relies on: pages reach the file only after their journal is
// synced, and the commit still fsyncs.
//
// The descriptor is SQLite's own, found by the file's inode in /proc/self/fd: opening and
// closing a descriptor of our own would release every POSIX lock this process holds on the
// file, SQLite's exclusive lock included. Should SQLite close that descriptor meanwhile and
// the number go to another file, the worst is a write-back request for that file's pages.
func startWriteback(path string) (stop func()) {
	fd, ok := descriptorOf(path)
	if !ok {
		return func() {}
	}
	done, finished := make(chan struct{}), make(chan struct{})
	writebacks.Add(1)
	go func() {
		defer writebacks.Add(-1)
		defer close(finished)
		t := time.NewTicker(writebackEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if syncRange(fd) != nil {
					return
				}
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// writebacks counts the writeback goroutines running, for the tests.
var writebacks atomic.Int32

// syncRange starts the write of fd's dirty pages and does not wait for it; tests replace
// it to see it called.
var syncRange = func(fd int) error { return unix.SyncFileRange(fd, 0, 0, unix.SYNC_FILE_RANGE_WRITE) }

// descriptorOf finds a descriptor this process has open on the file at path.
func descriptorOf(path string) (int, bool) {
	var want unix.Stat_t
	if unix.Stat(path, &want) != nil {
		return 0, false
	}
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0, false
	}
	for _, e := range entries {
		fd, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		var st unix.Stat_t
		if unix.Fstat(fd, &st) == nil && st.Dev == want.Dev && st.Ino == want.Ino && st.Mode&unix.S_IFMT == unix.S_IFREG {
			return fd, true
		}
	}
	return 0, false
}
