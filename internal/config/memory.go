package config

import (
	"errors"
	"flag"
	"fmt"
)

// Memory is how the Go runtime of this process manages its heap (docs/benchmarks.md,
// "Issue 11 (session 6): memory").
type Memory struct {
	// LimitMiB is the runtime's soft memory limit (runtime/debug.SetMemoryLimit): as the
	// process's Go memory nears it, the collector runs sooner and free pages go back to the
	// system at once instead of minutes later. 0 leaves the runtime's own setting (GOMEMLIMIT,
	// or none). A soft limit never fails an allocation: a heap that truly needs more gets it.
	LimitMiB int
	// GCPercent is the runtime's GOGC (runtime/debug.SetGCPercent): how far the heap may grow
	// over what the last collection kept before the next one. 0 leaves the runtime's own
	// setting (GOGC, or 100).
	GCPercent int
}

// Default memory settings. The server's live heap is about 8 MiB without its page cache; its
// binary's code and tables add some 25 MB of resident file pages outside the Go heap. The
// default limit is MemoryBaseMiB plus the page cache's budget (--page-cache-mib), so a larger
// cache raises the limit with it instead of making the collector chase a full cache; with the
// default cache that is 28 MiB of Go memory, which keeps the whole process under 60 MB
// through all of bench/run.sh (58 MB; 60 MB with 30 MiB). GOGC 200 keeps collections rare
// while the heap is small; near the limit, the limit decides when to collect. Measured in
// docs/benchmarks.md, "Issue 11 (session 6): memory" and "(session 7): the quiet-machine run".
const (
	MemoryBaseMiB    = 20
	DefaultGCPercent = 200
)

// DefaultMemoryLimitMiB is the limit with the default page cache.
const DefaultMemoryLimitMiB = MemoryBaseMiB + DefaultPageCacheMiB

type memoryFlags struct{ limit, gc string }

// registerMemory adds --memory-limit-mib and --gc-percent. Go's own GOMEMLIMIT and GOGC,
// when set, win over the defaults (an operator who tuned the runtime keeps their setting);
// the flags and BROADSIDE_* variables win over everything.
func registerMemory(fs *flag.FlagSet, env func(string) string, c *Config, f *memoryFlags) {
	c.Memory = Memory{LimitMiB: DefaultMemoryLimitMiB, GCPercent: DefaultGCPercent}
	if env("GOMEMLIMIT") != "" {
		c.Memory.LimitMiB = 0
	}
	if env("GOGC") != "" {
		c.Memory.GCPercent = 0
	}
	envFlag(fs, env, &f.limit, "memory-limit-mib", "BROADSIDE_MEMORY_LIMIT_MIB", DefaultMemoryLimitMiB,
		"soft limit of the Go runtime's memory, in MiB (default: 20 plus --page-cache-mib; GOMEMLIMIT wins over the default); 0 leaves the runtime's")
	envFlag(fs, env, &f.gc, "gc-percent", "BROADSIDE_GC_PERCENT", DefaultGCPercent,
		"heap growth between garbage collections, in percent (GOGC wins over the default); 0 leaves the runtime's")
}

func finishMemory(c *Config, f *memoryFlags) error {
	var errs []error
	num := func(s, flag string, p *int) { wholeNumber(s, flag, p, &errs) }
	// The default follows the page cache's budget (finishLimits ran first); a limit the
	// operator gave, or GOMEMLIMIT (LimitMiB 0 here), stands as given.
	if f.limit == "" && c.Memory.LimitMiB != 0 {
		c.Memory.LimitMiB = MemoryBaseMiB + c.Limits.PageCacheMiB
	}
	num(f.limit, "--memory-limit-mib", &c.Memory.LimitMiB)
	num(f.gc, "--gc-percent", &c.Memory.GCPercent)
	return errors.Join(errs...)
}

func (m Memory) validate() []error {
	var errs []error
	// Under 16 MiB the collector would run nearly all the time just to keep the server's
	// templates, catalogs and caches.
	if m.LimitMiB != 0 && (m.LimitMiB < 16 || m.LimitMiB > 1<<20) {
		errs = append(errs, fmt.Errorf("--memory-limit-mib: %d must be 0 (the runtime's) or between 16 and 1048576", m.LimitMiB))
	}
	if m.GCPercent < 0 || m.GCPercent > 10000 {
		errs = append(errs, fmt.Errorf("--gc-percent: %d must be 0 (the runtime's) or between 1 and 10000", m.GCPercent))
	}
	return errs
}
