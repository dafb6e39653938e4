package config_test

import (
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/config"
)

func TestLimitsConfig(t *testing.T) {
	c, err := parse(t, nil, nil)
	if err != nil || c.Limits.ConnsPerIP != config.DefaultConnsPerIP || c.Limits.ImportUploadMiB != config.DefaultImportUploadMiB {
		t.Fatalf("defaults: %+v %v", c.Limits, err)
	}
	env := map[string]string{"BROADSIDE_MAX_CONNS_PER_IP": "10", "BROADSIDE_MAX_IMPORT_MIB": "200"}
	if c, err = parse(t, nil, env); err != nil || c.Limits.ConnsPerIP != 10 || c.Limits.ImportUploadMiB != 200 {
		t.Fatalf("env: %+v %v", c.Limits, err)
	}
	if c.Limits.PageCacheMiB != config.DefaultPageCacheMiB {
		t.Errorf("page cache: %d MiB, want the default %d", c.Limits.PageCacheMiB, config.DefaultPageCacheMiB)
	}
	if c, err := parse(t, []string{"--page-cache-mib", "0"}, map[string]string{"BROADSIDE_PAGE_CACHE_MIB": "32"}); err != nil || c.Limits.PageCacheMiB != 0 {
		t.Errorf("--page-cache-mib 0: %d %v", c.Limits.PageCacheMiB, err)
	}
	if c, err = parse(t, []string{"--max-conns-per-ip", "0", "--max-import-mib", "50"}, env); err != nil || c.Limits.ConnsPerIP != 0 || c.Limits.ImportUploadMiB != 50 {
		t.Fatalf("flags should win over env: %+v %v", c.Limits, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--max-conns-per-ip", "many"}, "--max-conns-per-ip"},
		{[]string{"--max-conns-per-ip", "-1"}, "--max-conns-per-ip"},
		{[]string{"--max-import-mib", "0"}, "--max-import-mib"},
		{[]string{"--max-import-mib", "1GB"}, "--max-import-mib"},
		{[]string{"--page-cache-mib", "-1"}, "--page-cache-mib"},
	} {
		if _, err := parse(t, tc.args, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v should name %s", tc.args, err, tc.want)
		}
	}
}

// The media library's upload cap defaults to 64 MiB, comes from env or flag, and is checked.
func TestMediaUploadLimit(t *testing.T) {
	c, err := parse(t, nil, nil)
	if err != nil || c.Limits.MediaUploadMiB != 64 {
		t.Fatalf("default: %+v %v", c.Limits, err)
	}
	if c, err = parse(t, []string{"--max-upload-mib", "8"}, map[string]string{"BROADSIDE_MAX_UPLOAD_MIB": "16"}); err != nil || c.Limits.MediaUploadMiB != 8 {
		t.Fatalf("flag: %+v %v", c.Limits, err)
	}
	if c, err = parse(t, nil, map[string]string{"BROADSIDE_MAX_UPLOAD_MIB": "16"}); err != nil || c.Limits.MediaUploadMiB != 16 {
		t.Fatalf("env: %+v %v", c.Limits, err)
	}
	if _, err := parse(t, []string{"--max-upload-mib", "0"}, nil); err == nil || !strings.Contains(err.Error(), "--max-upload-mib") {
		t.Fatalf("0 MiB: %v", err)
	}
}
