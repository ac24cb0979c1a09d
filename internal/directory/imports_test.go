package directory_test

import (
	"go/build"
	"strings"
	"testing"
)

// TestDomainImportsNoHTTPOrSQL keeps the domain free of transport and
// storage: it may not import net/http, database/sql or any SQL driver,
// directly or through another package of the module.
func TestDomainImportsNoHTTPOrSQL(t *testing.T) {
	forbidden := func(path string) bool {
		switch {
		case path == "net/http", strings.HasPrefix(path, "net/http/"),
			path == "database/sql", strings.HasPrefix(path, "database/sql/"):
			return true
		}
		for _, driver := range []string{"modernc.org/sqlite", "github.com/jackc/pgx", "github.com/lib/pq",
			"github.com/mattn/go-sqlite3", "github.com/go-sql-driver/mysql", "github.com/pressly/goose"} {
			if strings.HasPrefix(path, driver) {
				return true
			}
		}
		return false
	}
	const root = "github.com/orgdir/orgdir/internal/directory"
	seen := map[string]bool{}
	var walk func(path string, chain []string)
	walk = func(path string, chain []string) {
		if seen[path] {
			return
		}
		seen[path] = true
		pkg, err := build.Import(path, ".", 0)
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		for _, imp := range pkg.Imports {
			if forbidden(imp) {
				t.Errorf("%s imports %s (via %s)", root, imp, strings.Join(append(chain, path), " → "))
			}
			// Follow the module's own packages; the standard library and
			// uuid do not pull in HTTP or SQL.
			if strings.HasPrefix(imp, "github.com/orgdir/orgdir/") {
				walk(imp, append(chain, path))
			}
		}
	}
	walk(root, nil)
	if len(seen) == 0 {
		t.Fatal("walked no package")
	}
}
