package broadside

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const module = "github.com/broadside/broadside"

// goImports lists the packages pkg imports in its non-test files. It asks the go command
// rather than parsing files so build tags and file selection match what is compiled.
func goImports(t *testing.T, pkg string) []string {
	return goList(t, `{{join .Imports "\n"}}`, pkg)
}

// goFiles lists the paths of pkg's non-test Go files.
func goFiles(t *testing.T, pkg string) []string {
	return goList(t, `{{range .GoFiles}}{{$.Dir}}/{{.}}{{"\n"}}{{end}}`, pkg)
}

func goList(t *testing.T, format, pkg string) []string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	out, err := exec.Command(goBin, "list", "-f", format, pkg).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("go list %s: %v\n%s", pkg, err, msg)
	}
	return strings.Fields(string(out))
}

// TestLayering keeps the layers of DESIGN.md apart: transports (web pages, the REST API)
// talk to services, never to the store, so a rule cannot be enforced in one channel and
// skipped in another; the domain package decides without doing I/O. Services import the
// store, so the store is among the transports' indirect dependencies: only direct imports
// say who talks to it.
func TestLayering(t *testing.T) {
	for _, pkg := range []string{module + "/internal/web", module + "/internal/wpapi"} {
		for _, imp := range goImports(t, pkg) {
			if imp == module+"/internal/store" {
				t.Errorf("%s imports %s: ask the owning service, and take query types from package broadside", pkg, imp)
			}
		}
		for _, file := range goFiles(t, pkg) {
			for _, at := range storeReachThrough(t, file) {
				t.Errorf("%s: reaches the store through a service's Store field: add a method to the service", at)
			}
		}
	}
	for _, imp := range goImports(t, module) {
		if strings.HasPrefix(imp, module+"/") {
			t.Errorf("domain package imports %s: it must not depend on the application's packages", imp)
		}
		if doesIO(imp) {
			t.Errorf("domain package imports %s: it must not do I/O", imp)
		}
	}
}

// doesIO reports whether a standard package reaches the network, files, processes or a
// database. net/mail, net/netip and net/url only parse.
func doesIO(pkg string) bool {
	switch pkg {
	case "net/mail", "net/netip", "net/url":
		return false
	case "io/ioutil", "syscall", "plugin", "log", "log/slog", "log/syslog":
		return true
	}
	for _, root := range []string{"net", "os", "database/sql"} {
		if pkg == root || strings.HasPrefix(pkg, root+"/") {
			return true
		}
	}
	return false
}

// storeReachThrough finds expressions like s.Posts.Store.TagBySlug in file: calls that skip
// the service by going through the storage it was built with. A method named Store (as on
// sync.Map) is called on its receiver directly, so it does not match.
func storeReachThrough(t *testing.T, file string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if inner, ok := sel.X.(*ast.SelectorExpr); ok && inner.Sel.Name == "Store" {
				found = append(found, fset.Position(inner.Sel.Pos()).String())
			}
		}
		return true
	})
	return found
}
