package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/orgdir/orgdir/internal/auth"
	"github.com/orgdir/orgdir/internal/directory"
)

// Defaults of Config.
const (
	DefaultUsers    = 10000
	DefaultDuration = 2 * time.Second
	DefaultPurge    = 1000
	// purgeBatch is the batch the purge runs with, as `orgdir purge`.
	purgeBatch = 500
	// pageSize is the users page the UI and the API ask for.
	pageSize = 100
)

// Config is one run.
type Config struct {
	// Database is where to run: "" for a new SQLite file in a temporary
	// directory, a path for a new SQLite file there (refused if it
	// exists), or a postgres:// URL, in which a new schema is created and
	// dropped. Existing data is never touched.
	Database string
	// Users is how many users the tenant is seeded with (default
	// DefaultUsers); one in five is a guest, the pool of leave.
	Users int
	// Concurrency is how many callers run each operation at once
	// (default: the number of CPUs).
	Concurrency int
	// Ops is how many times each operation runs; when 0, each runs for
	// Duration (default DefaultDuration). Operations that consume objects
	// (leave, restore, delete, permanent delete) stop earlier when their
	// pool runs out.
	Ops      int
	Duration time.Duration
	// Purge is how many expired users the purge row purges (default
	// DefaultPurge).
	Purge int
	// Clock is the service's time; nil means time.Now.
	Clock directory.Clock
	// SkipAnalyze leaves PostgreSQL without planner statistics after the
	// seeding, as a server is right after a bulk import, until autovacuum
	// analyzes the tables (see analyzeSchema). By default the run
	// analyzes, to measure the steady state.
	SkipAnalyze bool
	// SQLiteSynchronous is the SQLite store's synchronous setting
	// (sqlite.SyncFull when empty, as serve).
	SQLiteSynchronous string
	// ServerCPUProfile, for RunHTTP, is a file to write a CPU profile of
	// the server into, taken over ServerProfileSeconds (default
	// DefaultProfileSeconds) from the first operation on.
	ServerCPUProfile     string
	ServerProfileSeconds int
	// Progress, when set, gets one line as each phase starts.
	Progress io.Writer
}

// withDefaults fills the zero fields and checks the others.
func (c Config) withDefaults() (Config, error) {
	if c.Users == 0 {
		c.Users = DefaultUsers
	}
	if c.Concurrency == 0 {
		c.Concurrency = runtime.NumCPU()
	}
	if c.Ops == 0 && c.Duration == 0 {
		c.Duration = DefaultDuration
	}
	if c.Purge == 0 {
		c.Purge = DefaultPurge
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	var errs []error
	if c.Users < guestShare {
		errs = append(errs, fmt.Errorf("users must be at least %d (one in %d is a guest), got %d", guestShare, guestShare, c.Users))
	}
	if c.Concurrency < 1 {
		errs = append(errs, fmt.Errorf("concurrency must be at least 1, got %d", c.Concurrency))
	}
	if c.Ops < 0 {
		errs = append(errs, fmt.Errorf("ops must be at least 1 (or 0 to run for a duration), got %d", c.Ops))
	}
	if c.Ops == 0 && c.Duration < 0 {
		errs = append(errs, fmt.Errorf("duration must be positive, got %s", c.Duration))
	}
	if c.Purge < 1 {
		errs = append(errs, fmt.Errorf("purge must be at least 1, got %d", c.Purge))
	}
	return c, errors.Join(errs...)
}

// Run seeds a new store and measures every operation, one after the
// other, in the order of the report. Whatever happens, it removes the
// store it created; an error of the removal is returned too.
func Run(ctx context.Context, cfg Config) (rep *Report, err error) {
	s, err := startSession(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer func() { rep, err = s.end(rep, err) }()
	cfg, sc, say := s.cfg, s.sc, s.say
	svc := directory.NewService(sc.store, directory.Options{
		Clock:          cfg.Clock,
		PublicBaseURL:  "http://bench.invalid",
		PasswordHasher: auth.NewArgon2Hasher(),
	})

	rep = s.report()
	w, err := s.seedTenant(ctx, svc.Now(), rep)
	if err != nil {
		return nil, err
	}

	r := &runner{cfg: cfg, svc: svc, store: sc.store, w: w, say: say}
	rows, err := r.all(ctx)
	if err != nil {
		return nil, err
	}
	rep.Rows = rows
	return rep, nil
}

// runner measures the operations of one run on its world.
type runner struct {
	cfg   Config
	svc   *directory.Service
	store directory.Store
	w     *world
	say   func(format string, args ...any)
}

func (r *runner) limits(pool int) limits {
	return limits{ops: r.cfg.Ops, duration: r.cfg.Duration, pool: pool}
}

func (r *runner) measure(ctx context.Context, name string, pool int, op func(ctx context.Context, i int) error) (Row, error) {
	r.say("bench: %s", name)
	return measure(ctx, name, r.cfg.Concurrency, r.limits(pool), op)
}

// Names of the rows, in the order of the report.
const (
	RowGetUser         = "get user"
	RowPageFirst       = "users page 1 (100)"
	RowPageDeep        = "users page at 90% (100)"
	RowInvite          = "invite"
	RowDelete          = "delete (admin)"
	RowPermanentDelete = "permanent delete"
	RowLeave           = "leave (guest)"
	RowRestore         = "restore"
	RowPurge           = "purge expired"
)

// all runs every operation in turn. Reads come first, on the seeded
// tenant; then invite creates the users that delete and permanent delete
// consume; then the guests leave and are restored; then the purge.
func (r *runner) all(ctx context.Context) ([]Row, error) {
	w := r.w
	admin := directory.WithActor(ctx, directory.UserActor(w.tenant.ID, w.admin.ID))
	tenant := w.tenant.ID
	var rows []Row
	add := func(row Row, err error) error {
		if err == nil {
			rows = append(rows, row)
		}
		return err
	}

	// Users are picked by a stride through the list, so consecutive
	// calls read users far apart, not a hot few.
	all := append(append([]*directory.User{}, w.members...), w.guests...)
	if err := add(r.measure(ctx, RowGetUser, 0, func(_ context.Context, i int) error {
		u := all[(i*7919)%len(all)]
		_, err := r.svc.GetUser(admin, tenant, u.ID)
		return err
	})); err != nil {
		return nil, err
	}

	page := directory.UserQuery{OrderBy: directory.OrderByDisplayName, Limit: pageSize}
	firstWant := min(pageSize, len(all)+1) // +1: the administrator
	if err := add(r.measure(ctx, RowPageFirst, 0, func(_ context.Context, _ int) error {
		return wantPage(r.svc.ListUsers(admin, tenant, page))(firstWant)
	})); err != nil {
		return nil, err
	}

	// Members sort last ("Member …" after "Guest …" and "Bench Admin"),
	// in the order they were made: the cursor 90% of the way into them.
	at := len(w.members) * 9 / 10
	deep := page
	deep.After = &directory.User{ID: w.members[at].ID, DisplayName: w.members[at].DisplayName}
	deepWant := min(pageSize, len(w.members)-at-1)
	if err := add(r.measure(ctx, RowPageDeep, 0, func(_ context.Context, _ int) error {
		return wantPage(r.svc.ListUsers(admin, tenant, deep))(deepWant)
	})); err != nil {
		return nil, err
	}

	invited := newIDs()
	if err := add(r.measure(ctx, RowInvite, 0, func(_ context.Context, i int) error {
		res, err := r.svc.Invite(admin, tenant, directory.InviteRequest{
			InvitedUserEmailAddress: fmt.Sprintf("invitee%07d@partner.example", i),
			SendInvitationMessage:   true,
		})
		if err == nil {
			invited.set(i, res.User.ID)
		}
		return err
	})); err != nil {
		return nil, err
	}
	inv := invited.list()
	if err := add(r.measure(ctx, RowDelete, len(inv), func(_ context.Context, i int) error {
		return r.svc.DeleteUser(admin, tenant, inv[i])
	})); err != nil {
		return nil, err
	}
	deleted := rows[len(rows)-1].Ops
	if err := add(r.measure(ctx, RowPermanentDelete, deleted, func(_ context.Context, i int) error {
		return r.svc.PermanentlyDeleteUser(admin, tenant, inv[i])
	})); err != nil {
		return nil, err
	}

	if err := add(r.measure(ctx, RowLeave, len(w.guests), func(ctx context.Context, i int) error {
		g := w.guests[i]
		return r.svc.Leave(directory.WithActor(ctx, directory.UserActor(tenant, g.ID)), tenant)
	})); err != nil {
		return nil, err
	}
	left := rows[len(rows)-1].Ops
	if err := add(r.measure(ctx, RowRestore, left, func(_ context.Context, i int) error {
		_, err := r.svc.RestoreUser(admin, tenant, w.guests[i].ID, "")
		return err
	})); err != nil {
		return nil, err
	}
	// Guests that left but were not restored (restore stopped at its
	// duration) stay deleted; their retention has not ended, so the purge
	// does not see them.

	if err := add(r.purge(ctx)); err != nil {
		return nil, err
	}
	return rows, nil
}

// purge seeds cfg.Purge expired users and times one purge of them, as the
// purge job runs it: one caller, batches of purgeBatch.
func (r *runner) purge(ctx context.Context) (Row, error) {
	n := r.cfg.Purge
	name := fmt.Sprintf("%s (%d users)", RowPurge, n)
	r.say("bench: seeding %d expired users", n)
	now := r.svc.Now()
	if err := seedExpired(ctx, r.store, r.w, now, "purge", n); err != nil {
		return Row{}, err
	}
	if err := settle(ctx, r.store); err != nil {
		return Row{}, err
	}
	r.say("bench: %s", name)
	sys := directory.WithActor(ctx, directory.SystemActor(directory.PurgeAppName))
	t0 := time.Now()
	got, err := r.svc.PurgeExpired(sys, now, purgeBatch)
	elapsed := time.Since(t0)
	if err != nil {
		return Row{}, fmt.Errorf("bench: %s: %w", name, err)
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

// settle checkpoints a SQLite store's WAL, so that the purge's first
// erase does not wake a background checkpoint that copies the seeding's
// many megabytes while the purge waits for the write lock: that is the
// seeding's cost, not the purge's. Other stores have nothing to settle.
func settle(ctx context.Context, st directory.Store) error {
	if c, ok := st.(interface{ Checkpoint(context.Context) error }); ok {
		return c.Checkpoint(ctx)
	}
	return nil
}

// wantPage checks a page has the number of users expected.
func wantPage(users []*directory.User, err error) func(want int) error {
	return func(want int) error {
		if err != nil {
			return err
		}
		if len(users) != want {
			return fmt.Errorf("the page has %d users, want %d", len(users), want)
		}
		return nil
	}
}

// ids collects the ids made by operation i, from concurrent callers.
type ids struct {
	mu sync.Mutex
	m  map[int]string
}

func newIDs() *ids { return &ids{m: map[int]string{}} }

func (s *ids) set(i int, id string) {
	s.mu.Lock()
	s.m[i] = id
	s.mu.Unlock()
}

// list returns the ids in operation order; every operation 0..n-1
// succeeded, or the run stopped.
func (s *ids) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.m))
	for i, id := range s.m {
		out[i] = id
	}
	return out
}
