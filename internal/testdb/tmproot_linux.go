package testdb

import (
	"os"
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
	const shm = "/dev/shm"
	var st syscall.Statfs_t
	if syscall.Statfs(shm, &st) == nil && st.Type == tmpfsMagic && syscall.Access(shm, 2 /* W_OK */) == nil {
		return shm
	}
	return os.TempDir()
}
