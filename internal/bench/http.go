package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/orgdir/orgdir/internal/auth"
	"github.com/orgdir/orgdir/internal/directory"
)

// Names of the rows of RunHTTP, in the order of the report.
const (
	RowHTTPCreate          = "create user"
	RowHTTPDisable         = "disable user"
	RowHTTPSoftDelete      = "soft delete"
	RowHTTPRestore         = "restore"
	RowHTTPPermanentDelete = "permanent delete"
	RowHTTPPageFirst       = "users page 1 (100, 1 caller)"
	RowHTTPPageDeep        = "users page at 90% (100)"
	RowHTTPPurge           = "purge expired"
)

// usersPath is the users page the bench lists: 100 by display name, as
// the admin portal asks for.
const usersPath = "/v1.0/users?$top=100&$orderby=displayName"

// RunHTTP measures the whole path: the seeded tenant of Run served by
// `orgdir serve`, this same program started as a child process on a
// loopback port over the bench's new database (API throttling and the
// background purge off), and cfg.Concurrency clients in this process
// calling its JSON API with an administrator's API token. The purge row
// times `orgdir purge`, another child process on the same database, from
// its start to its exit. The report has the server's peak RSS and the
// load average at the end.
func RunHTTP(ctx context.Context, cfg Config) (rep *Report, err error) {
	s, err := startSession(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer func() { rep, err = s.end(rep, err) }()
	cfg, sc, say := s.cfg, s.sc, s.say
	// The child processes open the database as this run asks.
	var storeFlags []string
	if !IsPostgres(cfg.Database) && cfg.SQLiteSynchronous != "" {
		storeFlags = []string{"--sqlite-synchronous", cfg.SQLiteSynchronous}
	}
	svc := directory.NewService(sc.store, directory.Options{Clock: cfg.Clock, PublicBaseURL: "http://bench.invalid", PasswordHasher: auth.NewArgon2Hasher()})

	rep = s.report()
	w, err := s.seedTenant(ctx, svc.Now(), rep)
	if err != nil {
		return nil, err
	}
	sys := directory.WithActor(ctx, directory.SystemActor("orgdir bench --http"))
	token, _, err := svc.CreateAccessToken(sys, w.tenant.ID, w.admin.ID, "orgdir bench --http", 24*time.Hour)
	if err != nil {
		return nil, fmt.Errorf("bench: API token: %w", err)
	}
	if err := settle(ctx, sc.store); err != nil {
		return nil, err
	}

	say("bench: starting orgdir serve")
	srv, err := startServer(ctx, sc.database, cfg.ServerCPUProfile != "", storeFlags...)
	if err != nil {
		return nil, err
	}
	defer func() {
		// The server goes before the database is removed.
		if serr := srv.stop(); serr != nil {
			rep, err = nil, errors.Join(err, serr)
		}
	}()
	rep.Over = fmt.Sprintf("orgdir serve (child process %d) on %s over HTTP, clients in this process; purge: orgdir purge (child process) on the same database",
		srv.cmd.Process.Pid, srv.base)

	h := &httpRunner{cfg: cfg, api: newAPIClient(srv.base, token, cfg.Concurrency), say: say}
	var profiled <-chan error
	if cfg.ServerCPUProfile != "" {
		profiled = profileServer(ctx, srv.pprof, cfg.ServerCPUProfile, cfg.ServerProfileSeconds)
	}
	if rep.Rows, err = h.all(ctx); err != nil {
		return nil, err
	}
	if profiled != nil {
		if err := <-profiled; err != nil {
			return nil, err
		}
		say("bench: the server's CPU profile is in %s (go tool pprof %s)", cfg.ServerCPUProfile, cfg.ServerCPUProfile)
	}
	purge, err := h.purge(ctx, sc, w, svc.Now(), storeFlags)
	if err != nil {
		return nil, err
	}
	rep.Rows = append(rep.Rows, purge)
	rep.ServerPeakRSSBytes = srv.peakRSS()
	rep.LoadAvgEnd = loadAverage()
	return rep, nil
}

// httpRunner measures the API operations of one RunHTTP.
type httpRunner struct {
	cfg Config
	api *apiClient
	say func(format string, args ...any)
}

func (h *httpRunner) measure(ctx context.Context, name string, conc, pool int, op func(ctx context.Context, i int) error) (Row, error) {
	h.say("bench: %s", name)
	return measure(ctx, name, conc, limits{ops: h.cfg.Ops, duration: h.cfg.Duration, pool: pool}, op)
}

// all runs the user lifecycle on users it creates, each step on the
// users the step before handled, then the two pages.
func (h *httpRunner) all(ctx context.Context) ([]Row, error) {
	c, conc := h.api, h.cfg.Concurrency
	var rows []Row
	// step measures one row and returns how many operations it ran.
	step := func(name string, conc, pool int, op func(ctx context.Context, i int) error) (int, error) {
		row, err := h.measure(ctx, name, conc, pool, op)
		if err != nil {
			return 0, err
		}
		rows = append(rows, row)
		return row.Ops, nil
	}

	created := newIDs()
	n, err := step(RowHTTPCreate, conc, 0, func(ctx context.Context, i int) error {
		upn := fmt.Sprintf("created%07d@bench.example", i)
		b, err := c.do(ctx, http.MethodPost, "/v1.0/users", map[string]any{
			"accountEnabled": true, "displayName": fmt.Sprintf("Created %07d", i),
			// No passwordProfile: a password is one Argon2id hash (tens of
			// ms of CPU by design), which would measure the hash, not the
			// write; users who sign in with their home identity have none.
			"mailNickname": fmt.Sprintf("created%07d", i), "userPrincipalName": upn,
		}, http.StatusCreated)
		if err != nil {
			return err
		}
		var u struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(b, &u); err != nil || u.ID == "" {
			return fmt.Errorf("POST /v1.0/users answered no user id: %.300s", b)
		}
		created.set(i, u.ID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	ids := created.list()
	user := func(i int) string { return "/v1.0/users/" + ids[i] }
	deletedItem := func(i int) string { return "/v1.0/directory/deletedItems/" + ids[i] }

	if _, err := step(RowHTTPDisable, conc, n, func(ctx context.Context, i int) error {
		_, err := c.do(ctx, http.MethodPatch, user(i), map[string]any{"accountEnabled": false}, http.StatusNoContent)
		return err
	}); err != nil {
		return nil, err
	}
	deleted, err := step(RowHTTPSoftDelete, conc, n, func(ctx context.Context, i int) error {
		_, err := c.do(ctx, http.MethodDelete, user(i), nil, http.StatusNoContent)
		return err
	})
	if err != nil {
		return nil, err
	}
	restored, err := step(RowHTTPRestore, conc, deleted, func(ctx context.Context, i int) error {
		_, err := c.do(ctx, http.MethodPost, deletedItem(i)+"/restore", nil, http.StatusOK)
		return err
	})
	if err != nil {
		return nil, err
	}
	// The restored users are deleted again, untimed, so that permanent
	// delete has every deleted user to consume.
	if restored > 0 {
		h.say("bench: deleting the %d restored users again (not timed)", restored)
		if _, err := measure(ctx, "delete again", conc, limits{ops: restored, pool: restored}, func(ctx context.Context, i int) error {
			_, err := c.do(ctx, http.MethodDelete, user(i), nil, http.StatusNoContent)
			return err
		}); err != nil {
			return nil, err
		}
	}
	if _, err := step(RowHTTPPermanentDelete, conc, deleted, func(ctx context.Context, i int) error {
		_, err := c.do(ctx, http.MethodDelete, deletedItem(i), nil, http.StatusNoContent)
		return err
	}); err != nil {
		return nil, err
	}

	// The created users are gone: the tenant has its seeded users and
	// the administrator.
	firstWant := min(pageSize, h.cfg.Users+1)
	if _, err := step(RowHTTPPageFirst, 1, 0, func(ctx context.Context, _ int) error {
		_, err := c.page(ctx, usersPath, firstWant)
		return err
	}); err != nil {
		return nil, err
	}
	deep, want, err := h.deepPage(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := step(RowHTTPPageDeep, conc, 0, func(ctx context.Context, _ int) error {
		_, err := c.page(ctx, deep, want)
		return err
	}); err != nil {
		return nil, err
	}
	return rows, nil
}

// deepPage follows @odata.nextLink from the first page to the page 90%
// of the way through the users, and returns its path and size.
func (h *httpRunner) deepPage(ctx context.Context) (path string, users int, err error) {
	h.say("bench: following @odata.nextLink to the page at 90%%")
	var links []string
	for next := usersPath; next != ""; {
		links = append(links, next)
		if next, err = h.api.page(ctx, next, 0); err != nil {
			return "", 0, err
		}
	}
	path = links[len(links)*9/10]
	b, err := h.api.do(ctx, http.MethodGet, path, nil, http.StatusOK)
	if err != nil {
		return "", 0, err
	}
	var p usersPage
	if err := json.Unmarshal(b, &p); err != nil || len(p.Value) == 0 {
		return "", 0, fmt.Errorf("bench: the page at 90%% (%s) has no users: %.300s", path, b)
	}
	return path, len(p.Value), nil
}

// purge seeds cfg.Purge expired users through the store, then times
// `orgdir purge` on the same database, process start to exit.
func (h *httpRunner) purge(ctx context.Context, sc *scratch, w *world, now time.Time, storeFlags []string) (Row, error) {
	n := h.cfg.Purge
	name := fmt.Sprintf("%s (%d users, orgdir purge)", RowHTTPPurge, n)
	h.say("bench: seeding %d expired users", n)
	if err := seedExpired(ctx, sc.store, w, now, "purge", n); err != nil {
		return Row{}, err
	}
	if err := settle(ctx, sc.store); err != nil {
		return Row{}, err
	}
	h.say("bench: %s", name)
	t0 := time.Now()
	got, err := runPurgeCommand(ctx, sc.database, storeFlags...)
	elapsed := time.Since(t0)
	if err != nil {
		return Row{}, err
	}
	if got != n {
		return Row{}, fmt.Errorf("bench: %s purged %d users, want %d", name, got, n)
	}
	row := Row{Name: name, Unit: UnitUsers, Ops: got, Elapsed: elapsed}
	if elapsed > 0 {
		row.Rate = float64(got) / elapsed.Seconds()
	}
	return row, nil
}
