package cputime_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/cputime"
)

// TestProcessGrowsWithWork: CPU spent spinning shows in Process (on unix; elsewhere it is 0).
func TestProcessGrowsWithWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("SKIPPED ON PURPOSE: no getrusage here, Process is 0 by design")
	}
	before := cputime.Process()
	x := 0
	// Spin until the process has used at least 50 ms more (a minute at most, however busy the machine).
	for deadline := time.Now().Add(time.Minute); cputime.Process()-before < 50*time.Millisecond; x++ {
		if time.Now().After(deadline) {
			t.Fatalf("a minute of spinning added %v of CPU time", cputime.Process()-before)
		}
	}
	if x == 0 {
		t.Fatal("Process grew without any work")
	}
}
