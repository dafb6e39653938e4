//go:build !linux

package testdb

import "os"

// tempRoot is where throwaway clusters live (on Linux, /dev/shm when it is a tmpfs).
func tempRoot() string { return os.TempDir() }

// inMemory reports whether tempRoot is in memory.
func inMemory() bool { return false }

// sweepStaleSQLite removes what sqliteDir left behind (nothing here).
func sweepStaleSQLite() {}
