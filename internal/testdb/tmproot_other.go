//go:build unix && !linux

package testdb

import "os"

// tempRoot is where throwaway clusters live (on Linux, /dev/shm when it is a tmpfs).
func tempRoot() string { return os.TempDir() }
