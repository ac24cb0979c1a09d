package sqlite

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

// TestCachedStatementsRunNestedAndAfterErrors: a query whose rows are
// still open runs again on the same connection (it gets a statement of its
// own), and a statement that failed runs again afterwards.
func TestCachedStatementsRunNestedAndAfterErrors(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "orgdir.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	conn, err := s.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{"CREATE TEMP TABLE n (v INTEGER PRIMARY KEY)", "INSERT INTO n VALUES (1), (2), (3)"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	const q = "SELECT v FROM n WHERE v >= ? ORDER BY v"
	rows, err := conn.QueryContext(ctx, q, 1)
	if err != nil {
		t.Fatal(err)
	}
	var outer, inner []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		outer = append(outer, v)
		var w int
		if err := conn.QueryRowContext(ctx, q, v).Scan(&w); err != nil {
			t.Fatal(err)
		}
		inner = append(inner, w)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 2, 3}; !slices.Equal(outer, want) || !slices.Equal(inner, want) {
		t.Fatalf("outer %v, inner %v; want %v both", outer, inner, want)
	}
	const ins = "INSERT INTO n VALUES (?)"
	if _, err := conn.ExecContext(ctx, ins, 1); err == nil {
		t.Fatal("a duplicate key was inserted")
	}
	if _, err := conn.ExecContext(ctx, ins, 4); err != nil {
		t.Fatalf("the statement after its failure: %v", err)
	}
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM n").Scan(&n); err != nil || n != 4 {
		t.Fatalf("count = %d (%v), want 4", n, err)
	}
}
