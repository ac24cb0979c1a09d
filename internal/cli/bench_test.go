package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/bench"
)

// benchRows are the rows `orgdir bench` must print, by name prefix.
var benchRows = []string{
	bench.RowGetUser, bench.RowPageFirst, bench.RowPageDeep, bench.RowInvite, bench.RowDelete,
	bench.RowPermanentDelete, bench.RowLeave, bench.RowRestore, bench.RowPurge,
}

// benchJSON runs a tiny bench with --json and decodes its report.
func benchJSON(t *testing.T, extra ...string) (rep struct {
	Database string `json:"database"`
	Rows     []struct {
		Name      string  `json:"name"`
		Count     int     `json:"count"`
		PerSecond float64 `json:"perSecond"`
	} `json:"operations"`
	PeakHeapBytes uint64 `json:"peakHeapBytes"`
}) {
	t.Helper()
	args := append([]string{"bench", "--users", "60", "--ops", "6", "--purge", "5", "--concurrency", "2", "--json"}, extra...)
	out, errOut, err := run(t, args...)
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, errOut)
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("bench --json printed no JSON report: %v\n%s", err, out)
	}
	return rep
}

func TestBenchReportsEveryOperationWithAPositiveRate(t *testing.T) {
	rep := benchJSON(t)
	if len(rep.Rows) != len(benchRows) {
		t.Errorf("%d rows, want %d", len(rep.Rows), len(benchRows))
	}
	for i, want := range benchRows {
		if i >= len(rep.Rows) {
			t.Errorf("row %q missing", want)
			continue
		}
		r := rep.Rows[i]
		if !strings.HasPrefix(r.Name, want) {
			t.Errorf("row %d is %q, want %q", i, r.Name, want)
		}
		if r.Count <= 0 || r.PerSecond <= 0 {
			t.Errorf("row %q: count %d, rate %f; want both positive", r.Name, r.Count, r.PerSecond)
		}
	}
	if rep.PeakHeapBytes == 0 {
		t.Error("no peak heap reported")
	}
}

func TestBenchTablePrintsEveryRowAndTheHeap(t *testing.T) {
	out, errOut, err := run(t, "bench", "--users", "60", "--ops", "3", "--purge", "3")
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, errOut)
	}
	for _, row := range benchRows {
		if !strings.Contains(out, "\n"+row) {
			t.Errorf("the table lacks the row %q:\n%s", row, out)
		}
	}
	if !strings.Contains(out, "peak Go heap:") {
		t.Errorf("the table lacks the peak heap:\n%s", out)
	}
}

func TestBenchRefusesNonsenseWithExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "--users", "3"},
		{"bench", "--concurrency", "0"},
		{"bench", "--duration", "0s"},
		{"bench", "--purge", "0"},
	} {
		_, errOut, err := run(t, args...)
		if ExitCode(err) != 2 || !strings.Contains(errOut, args[1]) {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming %s", args, ExitCode(err), errOut, args[1])
		}
	}
}

func TestBenchOnPostgresDropsItsSchema(t *testing.T) {
	dsn := os.Getenv("ORGDIR_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("set ORGDIR_TEST_POSTGRES (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the bench on PostgreSQL")
	}
	rep := benchJSON(t, "--database", dsn)
	_, rest, ok := strings.Cut(rep.Database, "new schema ")
	schema, _, _ := strings.Cut(rest, " ")
	if !ok || !strings.HasPrefix(schema, "orgdir_bench_") {
		t.Fatalf("the report does not name its schema: %q", rep.Database)
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM pg_namespace WHERE nspname = $1`, schema).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("schema %s is still there after the bench", schema)
	}
	for _, r := range rep.Rows {
		if r.PerSecond <= 0 {
			t.Errorf("row %q: rate %f on PostgreSQL", r.Name, r.PerSecond)
		}
	}
}

// TestBenchOIDCDrivesTheTokenEndpointOverHTTP: --oidc runs the real
// server and counts only answers that carried tokens (bench errors on
// anything else), so every row ran its operations.
func TestBenchOIDCDrivesTheTokenEndpointOverHTTP(t *testing.T) {
	out, errOut, err := run(t, "bench", "--oidc", "--ops", "8", "--concurrency", "2", "--json")
	if err != nil {
		t.Fatalf("bench --oidc: %v\n%s", err, errOut)
	}
	var rep struct {
		Against string `json:"against"`
		Rows    []struct {
			Name  string `json:"name"`
			Count int    `json:"count"`
		} `json:"operations"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("no JSON report: %v\n%s", err, out)
	}
	want := []string{bench.RowClientCredentials, bench.RowRefresh, bench.RowJWKS}
	if len(rep.Rows) != len(want) || !strings.Contains(rep.Against, "HTTP") {
		t.Fatalf("report %+v, want rows %v against HTTP", rep, want)
	}
	for i, name := range want {
		if rep.Rows[i].Name != name || rep.Rows[i].Count != 8 {
			t.Errorf("row %d: %+v, want %q with 8 operations", i, rep.Rows[i], name)
		}
	}
}

// httpRows are the rows of `orgdir bench --http`, by name prefix.
var httpRows = []string{
	bench.RowHTTPCreate, bench.RowHTTPDisable, bench.RowHTTPSoftDelete, bench.RowHTTPRestore,
	bench.RowHTTPPermanentDelete, bench.RowHTTPPageFirst, bench.RowHTTPPageDeep, bench.RowHTTPPurge,
}

// benchHTTP runs a tiny bench --http and checks every row ran its
// operations (the bench errors on any unexpected answer) and the server's
// peak RSS was read from its own process.
func benchHTTP(t *testing.T, extra ...string) {
	t.Helper()
	args := append([]string{"bench", "--http", "--users", "60", "--ops", "6", "--purge", "5", "--concurrency", "2", "--json"}, extra...)
	out, errOut, err := run(t, args...)
	if err != nil {
		t.Fatalf("bench --http: %v\n%s", err, errOut)
	}
	var rep struct {
		Against string `json:"against"`
		Rows    []struct {
			Name      string  `json:"name"`
			Count     int     `json:"count"`
			PerSecond float64 `json:"perSecond"`
		} `json:"operations"`
		ServerRSS  uint64 `json:"serverPeakRssBytes"`
		LoadAvgEnd string `json:"loadAverageAtEnd"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("no JSON report: %v\n%s", err, out)
	}
	if len(rep.Rows) != len(httpRows) || !strings.Contains(rep.Against, "orgdir serve (child process") {
		t.Fatalf("report %+v, want rows %v against orgdir serve as a child process", rep, httpRows)
	}
	for i, want := range httpRows {
		r := rep.Rows[i]
		wantOps := 6
		if want == bench.RowHTTPPurge {
			wantOps = 5
		}
		if !strings.HasPrefix(r.Name, want) || r.Count != wantOps || r.PerSecond <= 0 {
			t.Errorf("row %d: %+v, want %q with %d operations at a positive rate", i, r, want, wantOps)
		}
	}
	if rep.ServerRSS == 0 {
		t.Error("no peak RSS of the server reported")
	}
	if _, err := os.Stat("/proc/loadavg"); err == nil && rep.LoadAvgEnd == "" {
		t.Error("no load average at the end reported")
	}
}

func TestBenchHTTPDrivesTheServerProcessOnSQLite(t *testing.T) {
	benchHTTP(t)
}

func TestBenchHTTPDrivesTheServerProcessOnPostgres(t *testing.T) {
	dsn := os.Getenv("ORGDIR_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("set ORGDIR_TEST_POSTGRES (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run bench --http on PostgreSQL")
	}
	benchHTTP(t, "--database", dsn)
}

func TestBenchRefusesOIDCWithHTTP(t *testing.T) {
	_, errOut, err := run(t, "bench", "--oidc", "--http")
	if ExitCode(err) != 2 || !strings.Contains(errOut, "--http") {
		t.Errorf("exit %d, stderr %q; want 2 naming --http", ExitCode(err), errOut)
	}
}
