package testdb

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// tmpfsMagic is statfs's f_type for tmpfs (linux/magic.h).
const tmpfsMagic = 0x01021994

// tempRoot is where throwaway clusters live: /dev/shm when it is a tmpfs we may write to,
// else the usual temporary directory. Creating a database copies a few hundred files and
// dropping it unlinks them; on this machine's ext4 disk that cost 120–200 ms of CPU per
// database (journal, block allocation, discard), on tmpfs about 20 ms. The data is thrown
// away when the binary exits, and the server runs with fsync off anyway.
func tempRoot() string {
	if inMemory() {
		return shm
	}
	return os.TempDir()
}

const shm = "/dev/shm"

// shmRoom is the free space /dev/shm must have to be used: two test binaries at once, each
// with its cluster (about 40 MB, up to 128 MB of log) and its databases. A container's
// default /dev/shm is 64 MB, where a cluster would run out of space mid-test.
const shmRoom = 2 << 30

// inMemory reports whether tempRoot is in memory. It is decided once per binary, so that
// the free space a test run uses cannot move later databases to another root.
var inMemory = sync.OnceValue(func() bool {
	var st syscall.Statfs_t
	return syscall.Statfs(shm, &st) == nil && st.Type == tmpfsMagic &&
		uint64(st.Bavail)*uint64(st.Bsize) >= shmRoom && syscall.Access(shm, 2 /* W_OK */) == nil
})

// sweepStaleSQLite removes the SQLite directories of test binaries that died before Stop
// (in memory, nothing else would ever free them).
func sweepStaleSQLite() {
	dirs, _ := filepath.Glob(filepath.Join(tempRoot(), sqlitePrefix+"*"))
	for _, d := range dirs {
		pid, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(d), sqlitePrefix))
		if err != nil || pid <= 0 || pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			os.RemoveAll(d)
		}
	}
}
