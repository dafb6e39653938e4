//go:build unix

package testdb

import (
	"os"
	"testing"
)

// TestClusterStartsFromMigratedTemplate: the throwaway cluster is a copy of the machine's
// migrated template (templateCache), so the binary migrates none of its own; its clones
// carry every migration (TestPostgresGivesFreshMigratedDatabases).
func TestClusterStartsFromMigratedTemplate(t *testing.T) {
	if os.Getenv(EnvPostgresURL) != "" {
		t.Skip("an external server: the binary migrates its own template there")
	}
	Postgres(t)
	if shared == nil || shared.template != cachedTemplate || tplName != cachedTemplate {
		t.Fatalf("cluster template %q, clones of %q: want both %q", shared.template, tplName, cachedTemplate)
	}
}
