package directory_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// storeUsers may name directory.Tx outside the domain and the stores,
// each for a reason. Nothing else may: a transaction is how the store is
// written, so a package that cannot name one cannot write around the
// domain's authorization and audit.
var storeUsers = map[string]string{
	"internal/bench/seed.go": "seeds a throwaway benchmark database in bulk, before any measurement",
}

// TestOnlyTheDomainAndTheStoresWriteTheStore walks every non-test Go file
// of the module outside internal/directory and internal/store and fails
// on a reference to directory.Tx, the only way to write the store.
func TestOnlyTheDomainAndTheStoresWriteTheStore(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			switch {
			case rel == "internal/directory", strings.HasPrefix(rel, "internal/store"), rel == "sdkcheck",
				strings.HasPrefix(rel, ".") && rel != ".":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Tx" {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "directory" {
				if _, allowed := storeUsers[rel]; !allowed {
					t.Errorf("%s: %s names directory.Tx: write through the directory service instead", rel, fset.Position(sel.Pos()))
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("checked only %d files: the walk missed the module", checked)
	}
}
