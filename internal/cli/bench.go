package cli

import (
	"context"
	"encoding/json"
	"runtime"

	"github.com/orgdir/orgdir/internal/bench"
)

func runBench(ctx context.Context, e *env, args []string) error {
	f := newFlags("bench", `Measures orgdir on this machine: seeds a tenant with --users users, then
runs each operation (get user, a users page at the start and 90% in, invite,
delete, permanent delete, a guest's leave, restore) from --concurrency callers
for --duration (or --ops times), and purges --purge expired users. Prints the
rate and the p50/p95/p99 latency of each, and the peak Go heap.

It works in a new SQLite file in a temporary directory, or a new file at
--database (refused if it exists), or, for a postgres:// URL, in a new schema
of that database; it removes what it created when it ends. Existing data is
never read or written: if ORGDIR_DATABASE names the server's SQLite file,
the bench refuses it; a postgres:// URL gets a schema of its own. Progress
goes to stderr. See docs/performance.md.

With --oidc it measures the OpenID Connect provider instead: the real server
on a loopback port over a new store seeded as serve --demo, and
--concurrency HTTP clients in this process calling the token endpoint
(client credentials; refresh, each client rotating its own refresh token)
and the JWKS.

With --http it measures the whole path: it seeds the tenant as without it,
starts this program as a child process running orgdir serve on a free
loopback port over that database (API throttling and the background purge
off), and --concurrency HTTP clients in this process call the JSON API with
an administrator's API token: create user, disable, delete, restore,
permanent delete, a users page at the start (one caller) and 90% in; then
it times orgdir purge, another child process, purging --purge expired
users. It reports the server's peak RSS and the load average at the end.`)
	database := f.String("database", "", "new SQLite file `path` (must not exist), or a postgres:// URL to work in a new schema of; empty means a temporary file")
	users := f.Int("users", bench.DefaultUsers, "users to seed the tenant with (one in five a guest)")
	conc := f.Int("concurrency", runtime.NumCPU(), "callers running each operation at once")
	duration := f.Duration("duration", bench.DefaultDuration, "how long each operation runs (unless --ops)")
	ops := f.Int("ops", 0, "run each operation this many times instead of for --duration")
	purge := f.Int("purge", bench.DefaultPurge, "expired users the purge row purges")
	analyze := f.Bool("analyze", true, "on PostgreSQL, ANALYZE the tables after seeding, as autovacuum would soon after an import; false measures a server right after a bulk import")
	synchronous := f.String("sqlite-synchronous", "full", "SQLite's synchronous setting for the run: full (serve's default) or normal")
	cpuProfile := f.String("server-cpuprofile", "", "with --http: write a CPU profile of the server, from the first operation on, to this `file` (read it with go tool pprof)")
	profileSeconds := f.Int("server-profile-seconds", bench.DefaultProfileSeconds, "with --server-cpuprofile: how many seconds the profile covers")
	asJSON := f.Bool("json", false, "print the report as JSON")
	oidc := f.Bool("oidc", false, "measure the token endpoint and the JWKS over HTTP instead of the directory operations")
	overHTTP := f.Bool("http", false, "measure the directory operations through the real server over HTTP (orgdir serve as a child process)")
	if err := f.parse(e, args); err != nil {
		return err
	}
	switch {
	case *oidc && *overHTTP:
		return usageErrorf("bench: --oidc and --http measure different things; give one")
	case *cpuProfile != "" && !*overHTTP:
		return usageErrorf("bench: --server-cpuprofile profiles the server of --http; give --http too")
	case *users < 5:
		return usageErrorf("bench: --users must be at least 5 (one in five is a guest), got %d", *users)
	case *conc < 1:
		return usageErrorf("bench: --concurrency must be at least 1, got %d", *conc)
	case *ops < 0:
		return usageErrorf("bench: --ops must be at least 1, got %d", *ops)
	case *ops == 0 && *duration <= 0:
		return usageErrorf("bench: --duration must be positive, got %s", *duration)
	case *purge < 1:
		return usageErrorf("bench: --purge must be at least 1, got %d", *purge)
	case *synchronous != "full" && *synchronous != "normal":
		return usageErrorf("bench: --sqlite-synchronous %q: want full or normal", *synchronous)
	}
	cfg := bench.Config{
		Database: *database, Users: *users, Concurrency: *conc, Ops: *ops, Duration: *duration,
		Purge: *purge, SkipAnalyze: !*analyze, SQLiteSynchronous: *synchronous,
		ServerCPUProfile: *cpuProfile, ServerProfileSeconds: *profileSeconds, Clock: e.prog.Clock, Progress: e.stderr,
	}
	if *ops > 0 {
		cfg.Duration = 0
	}
	run := bench.Run
	switch {
	case *oidc:
		run = bench.RunOIDC
	case *overHTTP:
		run = bench.RunHTTP
	}
	rep, err := run(ctx, cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.WriteTable(e.stdout)
}
