package cli_test

import (
	"runtime/debug"
	"testing"
)

// TestCommandsApplyMemorySettings: a command hands its memory settings to the Go runtime
// (the server's 60 MB budget depends on them), and leaves the runtime's own when GOMEMLIMIT
// and GOGC are set.
func TestCommandsApplyMemorySettings(t *testing.T) {
	limit, gc := debug.SetMemoryLimit(-1), debug.SetGCPercent(100)
	debug.SetGCPercent(gc)
	t.Cleanup(func() { debug.SetMemoryLimit(limit); debug.SetGCPercent(gc) })

	dir := t.TempDir()
	if r := run(t, "", nil, "migrate", "--data", dir, "--memory-limit-mib", "48", "--gc-percent", "150"); r.code != 0 {
		t.Fatalf("migrate: %+v", r)
	}
	if got := debug.SetMemoryLimit(-1); got != 48<<20 {
		t.Errorf("memory limit %d; want 48 MiB", got)
	}
	if got := debug.SetGCPercent(150); got != 150 {
		t.Errorf("GC percent %d; want 150", got)
	}

	debug.SetMemoryLimit(limit)
	debug.SetGCPercent(gc)
	env := map[string]string{"GOMEMLIMIT": "1GiB", "GOGC": "80"}
	if r := run(t, "", env, "migrate", "--data", dir); r.code != 0 {
		t.Fatalf("migrate: %+v", r)
	}
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("memory limit %d with GOMEMLIMIT set; want the runtime's %d", got, limit)
	}
	if got := debug.SetGCPercent(gc); got != gc {
		t.Errorf("GC percent %d with GOGC set; want the runtime's %d", got, gc)
	}
}
