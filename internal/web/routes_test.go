package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRoutesLiveInOneTable keeps the site's surface readable in one file: only routes.go
// registers routes (on a ServeMux, as a query-string route or as a 404 fallback), every row of
// its table goes through an adapter, and every handler in it returns error to that adapter
// (with a "// METHOD /path" comment saying what it answers), and no caller drops that error.
// It reads the source, so a new route added anywhere else fails here, not in review.
func TestRoutesLiveInOneTable(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*ast.File{}
	funcs := map[string]*ast.FuncDecl{} // methods and functions by name
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = f
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				funcs[fd.Name.Name] = fd
			}
		}
	}
	if files["routes.go"] == nil {
		t.Fatal("routes.go is missing")
	}

	// Nothing outside routes.go registers a route.
	registers := map[string]bool{"Handle": true, "HandleFunc": true, "NewServeMux": true}
	for name, f := range files {
		if name == "routes.go" {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if registers[n.Sel.Name] {
					t.Errorf("%s: %s registers a route; add a row to the table in routes.go instead", fset.Position(n.Pos()), n.Sel.Name)
				}
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					if sel, ok := l.(*ast.SelectorExpr); ok && (sel.Sel.Name == "queries" || sel.Sel.Name == "fallbacks") {
						t.Errorf("%s: sets s.%s; query-string routes and 404 fallbacks are rows of routes.go", fset.Position(n.Pos()), sel.Sel.Name)
					}
				}
			}
			return true
		})
	}

	// Every row of the table is an adapter around a handler that returns error.
	table := funcs["routeTable"]
	if table == nil {
		t.Fatal("routes.go has no routeTable")
	}
	adapters := map[string]string{ // adapter -> the handler's parameters after (w, r)
		"pub": "", "cached": "", "open": "", "auth": "u",
	}
	rows := 0
	ast.Inspect(table.Body, func(n ast.Node) bool {
		row, ok := n.(*ast.CompositeLit)
		if !ok || len(row.Elts) != 2 {
			return true
		}
		if _, ok := row.Elts[0].(*ast.KeyValueExpr); ok {
			return true
		}
		rows++
		pos := fset.Position(row.Pos())
		pattern := exprString(row.Elts[0])
		h := row.Elts[1]
		if exprString(h) == "s.api.ServeHTTP" {
			return false // the REST API answers with JSON through its own error layer (wpapi)
		}
		call, ok := h.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			t.Errorf("%s: %s: the handler must be wrapped in an adapter (pub, cached, open, auth)", pos, pattern)
			return false
		}
		adapter := exprString(call.Fun)
		extra, ok := adapters[adapter]
		if !ok {
			t.Errorf("%s: %s: %s is not an adapter (pub, cached, open, auth)", pos, pattern, adapter)
			return false
		}
		checkHandler(t, pos, pattern, call.Args[0], extra, funcs)
		return false
	})
	if rows < 50 {
		t.Fatalf("found %d rows in routeTable; the table's shape changed and this test no longer reads it", rows)
	}

	// No answer-writing function's error is dropped: a call as a statement would lose it, and
	// the reader would get an empty 200.
	answers := map[string]bool{}
	for name, fd := range funcs {
		res, ps := fd.Type.Results, fd.Type.Params.List
		if res != nil && len(res.List) == 1 && exprString(res.List[0].Type) == "error" &&
			len(ps) > 0 && exprString(ps[0].Type) == "http.ResponseWriter" {
			answers[name] = true
		}
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			es, ok := n.(*ast.ExprStmt)
			if !ok {
				return true
			}
			if call, ok := es.X.(*ast.CallExpr); ok {
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && answers[sel.Sel.Name] {
					t.Errorf("%s: the error of %s is dropped; return it", fset.Position(es.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
	}
}

var routeComment = regexp.MustCompile(`^(GET|POST|PUT|PATCH|DELETE|OPTIONS)\b`)

// checkHandler checks that h (s.handleX, s.static.serve, or a factory such as
// s.serveArchive(…)) returns error and says in its comment which route it answers.
func checkHandler(t *testing.T, pos token.Position, pattern string, h ast.Expr, extra string, funcs map[string]*ast.FuncDecl) {
	t.Helper()
	factory := false
	if c, ok := h.(*ast.CallExpr); ok {
		h, factory = c.Fun, true
	}
	sel, ok := h.(*ast.SelectorExpr)
	if !ok {
		t.Errorf("%s: %s: the handler must be a named method, not %s", pos, pattern, exprString(h))
		return
	}
	fd := funcs[sel.Sel.Name]
	if fd == nil {
		t.Errorf("%s: %s: no declaration of %s", pos, pattern, sel.Sel.Name)
		return
	}
	res := fd.Type.Results
	if factory {
		if res == nil || len(res.List) != 1 || exprString(res.List[0].Type) != "handler" {
			t.Errorf("%s: %s: %s must return a handler", pos, pattern, fd.Name.Name)
		}
		return
	}
	if res == nil || len(res.List) != 1 || exprString(res.List[0].Type) != "error" {
		t.Errorf("%s: %s: %s must return error (to its adapter)", pos, pattern, fd.Name.Name)
	}
	want := "http.ResponseWriter *http.Request"
	if extra == "u" {
		want += " *broadside.User"
	}
	var got []string
	for _, p := range fd.Type.Params.List {
		for range max(1, len(p.Names)) {
			got = append(got, exprString(p.Type))
		}
	}
	if strings.Join(got, " ") != want {
		t.Errorf("%s: %s: %s takes (%s), want (%s)", pos, pattern, fd.Name.Name, strings.Join(got, ", "), strings.ReplaceAll(want, " ", ", "))
	}
	if fd.Doc == nil || !routeComment.MatchString(strings.TrimSpace(fd.Doc.List[0].Text[2:])) {
		t.Errorf("%s: %s: %s needs a \"// METHOD /path\" comment naming the route it answers", pos, pattern, fd.Name.Name)
	}
}

// exprString prints the few expression shapes the table uses.
func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.StarExpr:
		return "*" + exprString(e.X)
	case *ast.BasicLit:
		return e.Value
	case *ast.BinaryExpr:
		return exprString(e.X) + " " + e.Op.String() + " " + exprString(e.Y)
	case *ast.CallExpr:
		return exprString(e.Fun) + "(…)"
	}
	return "?"
}
