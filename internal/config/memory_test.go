package config_test

import (
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/config"
)

// TestMemoryConfig: the runtime's memory limit and GC pace default to Broadside's, give way to
// Go's own GOMEMLIMIT and GOGC when the operator set those, and the flags and BROADSIDE_*
// variables win over both; bad values name their flag.
func TestMemoryConfig(t *testing.T) {
	c, err := parse(t, nil, nil)
	if err != nil || c.Memory != (config.Memory{LimitMiB: config.DefaultMemoryLimitMiB, GCPercent: config.DefaultGCPercent}) {
		t.Fatalf("defaults: %+v %v", c.Memory, err)
	}
	// The default limit leaves room for the page cache it is given; a limit given stands.
	if c, err = parse(t, []string{"--page-cache-mib", "64"}, nil); err != nil || c.Memory.LimitMiB != config.MemoryBaseMiB+64 {
		t.Fatalf("a 64 MiB page cache should raise the default limit to %d: %+v %v", config.MemoryBaseMiB+64, c.Memory, err)
	}
	if c, err = parse(t, []string{"--page-cache-mib", "64", "--memory-limit-mib", "40"}, nil); err != nil || c.Memory.LimitMiB != 40 {
		t.Fatalf("a limit given should stand: %+v %v", c.Memory, err)
	}
	if c, err = parse(t, []string{"--page-cache-mib", "64"}, map[string]string{"GOMEMLIMIT": "200MiB"}); err != nil || c.Memory.LimitMiB != 0 {
		t.Fatalf("GOMEMLIMIT should stand whatever the page cache: %+v %v", c.Memory, err)
	}
	if c, err = parse(t, nil, map[string]string{"GOMEMLIMIT": "200MiB", "GOGC": "50"}); err != nil || c.Memory != (config.Memory{}) {
		t.Fatalf("GOMEMLIMIT and GOGC should be left to the runtime: %+v %v", c.Memory, err)
	}
	env := map[string]string{"GOMEMLIMIT": "200MiB", "BROADSIDE_MEMORY_LIMIT_MIB": "64", "BROADSIDE_GC_PERCENT": "150"}
	if c, err = parse(t, nil, env); err != nil || c.Memory != (config.Memory{LimitMiB: 64, GCPercent: 150}) {
		t.Fatalf("env: %+v %v", c.Memory, err)
	}
	if c, err = parse(t, []string{"--memory-limit-mib", "0", "--gc-percent", "100"}, env); err != nil || c.Memory != (config.Memory{GCPercent: 100}) {
		t.Fatalf("flags should win over env: %+v %v", c.Memory, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--memory-limit-mib", "lots"}, "--memory-limit-mib"},
		{[]string{"--memory-limit-mib", "8"}, "--memory-limit-mib"},
		{[]string{"--memory-limit-mib", "-1"}, "--memory-limit-mib"},
		{[]string{"--gc-percent", "-5"}, "--gc-percent"},
		{[]string{"--gc-percent", "1.5"}, "--gc-percent"},
	} {
		if _, err := parse(t, tc.args, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v should name %s", tc.args, err, tc.want)
		}
	}
}
