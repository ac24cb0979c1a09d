package multiinstance

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/store/postgres"
)

// TestAnInstanceOnAMissingSchemaSaysSo: an operator who points instances at
// a schema (search_path) that does not exist gets told which, not a driver
// error about NULL.
func TestAnInstanceOnAMissingSchemaSaysSo(t *testing.T) {
	u, err := url.Parse(serverDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", "orgdir_no_such_schema")
	u.RawQuery = q.Encode()
	st, err := postgres.Open(context.Background(), u.String())
	if err == nil {
		st.Close()
		t.Fatal("Open succeeded on a schema that does not exist")
	}
	if !strings.Contains(err.Error(), "search_path") || !strings.Contains(err.Error(), "CREATE SCHEMA") {
		t.Fatalf("Open on a missing schema: %v; want it to name search_path and how to create the schema", err)
	}
}
