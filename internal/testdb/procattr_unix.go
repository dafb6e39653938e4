//go:build unix && !linux

package testdb

import "syscall"

// procAttr runs postgres as cred (nil: as ourselves). Without a parent-death signal on this
// system, a killed test binary leaves the cluster running until the next run sweeps its directory.
func procAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred}
}
