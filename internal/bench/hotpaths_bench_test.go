package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/auth"
	"github.com/orgdir/orgdir/internal/directory"
)

// The hot paths as testing.B benchmarks, on SQLite always and on
// PostgreSQL when ORGDIR_TEST_POSTGRES is set (a new schema, dropped
// afterwards):
//
//	go test -run XXX -bench . ./internal/bench/
//	ORGDIR_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable go test -run XXX -bench . ./internal/bench/

// benchUsers is the size of the tenant every benchmark works in.
const benchUsers = DefaultUsers

// backends runs fn as a sub-benchmark per available store.
func backends(b *testing.B, fn func(b *testing.B, database string)) {
	b.Helper()
	b.Run("sqlite", func(b *testing.B) {
		fn(b, filepath.Join(b.TempDir(), "bench.db"))
	})
	dsn := os.Getenv("ORGDIR_TEST_POSTGRES")
	if dsn == "" {
		return
	}
	b.Run("postgres", func(b *testing.B) { fn(b, dsn) })
}

// fixture is a seeded world, its service, and contexts of its actors.
type fixture struct {
	svc   *directory.Service
	store directory.Store
	w     *world
	admin context.Context
}

// newFixture seeds benchUsers users into a new store at database, removed
// when the benchmark ends.
func newFixture(b *testing.B, database string) *fixture {
	b.Helper()
	ctx := context.Background()
	sc, err := openScratch(ctx, database)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := sc.remove(); err != nil {
			b.Error(err)
		}
	})
	svc := directory.NewService(sc.store, directory.Options{PublicBaseURL: "http://bench.invalid", PasswordHasher: auth.NewArgon2Hasher()})
	w, err := seed(ctx, sc.store, svc.Now(), benchUsers)
	if err != nil {
		b.Fatal(err)
	}
	if sc.analyze != nil {
		if err := sc.analyze(ctx); err != nil {
			b.Fatal(err)
		}
	}
	return &fixture{svc: svc, store: sc.store, w: w,
		admin: directory.WithActor(ctx, directory.UserActor(w.tenant.ID, w.admin.ID))}
}

// BenchmarkLeaveRestoreCycle: a guest leaves (soft delete with its audit
// record), then an administrator restores it. One op is both.
func BenchmarkLeaveRestoreCycle(b *testing.B) {
	backends(b, func(b *testing.B, database string) {
		f := newFixture(b, database)
		tenant := f.w.tenant.ID
		i := 0
		for b.Loop() {
			g := f.w.guests[i%len(f.w.guests)]
			i++
			guest := directory.WithActor(context.Background(), directory.UserActor(tenant, g.ID))
			if err := f.svc.Leave(guest, tenant); err != nil {
				b.Fatalf("leave: %v", err)
			}
			if _, err := f.svc.RestoreUser(f.admin, tenant, g.ID, ""); err != nil {
				b.Fatalf("restore: %v", err)
			}
		}
	})
}

// BenchmarkUsersPage: one page of 100 users by display name, as the
// portal and the API list them, at the start and 90% of the way in.
func BenchmarkUsersPage(b *testing.B) {
	backends(b, func(b *testing.B, database string) {
		f := newFixture(b, database)
		tenant := f.w.tenant.ID
		at := f.w.members[len(f.w.members)*9/10]
		for _, tc := range []struct {
			name  string
			after *directory.User
		}{
			{"first", nil},
			{"at90pct", &directory.User{ID: at.ID, DisplayName: at.DisplayName}},
		} {
			b.Run(tc.name, func(b *testing.B) {
				q := directory.UserQuery{OrderBy: directory.OrderByDisplayName, Limit: pageSize, After: tc.after}
				for b.Loop() {
					users, err := f.svc.ListUsers(f.admin, tenant, q)
					if err != nil {
						b.Fatal(err)
					}
					if len(users) != pageSize {
						b.Fatalf("the page has %d users, want %d", len(users), pageSize)
					}
				}
			})
		}
	})
}

// BenchmarkPurgeBatch: the retention purge of one batch of 500 expired
// users (`orgdir purge`'s default batch: one transaction, their audit
// records scrubbed). One op is the batch; users/s is reported too.
func BenchmarkPurgeBatch(b *testing.B) {
	const batch = 500
	backends(b, func(b *testing.B, database string) {
		f := newFixture(b, database)
		sys := directory.WithActor(context.Background(), directory.SystemActor(directory.PurgeAppName))
		round := 0
		for b.Loop() {
			b.StopTimer()
			now := f.svc.Now()
			if err := seedExpired(context.Background(), f.store, f.w, now, fmt.Sprint(round), batch); err != nil {
				b.Fatal(err)
			}
			if err := settle(context.Background(), f.store); err != nil {
				b.Fatal(err)
			}
			round++
			b.StartTimer()
			n, err := f.svc.PurgeExpired(sys, now, batch)
			if err != nil {
				b.Fatal(err)
			}
			if n != batch {
				b.Fatalf("purged %d users, want %d", n, batch)
			}
		}
		b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "users/s")
	})
}

// BenchmarkCreateUser: Service.CreateUser of a member without a password
// (no argon2id), one transaction with its audit record: what seeding
// through the service would cost per user.
func BenchmarkCreateUser(b *testing.B) {
	backends(b, func(b *testing.B, database string) {
		f := newFixture(b, database)
		i := 0
		for b.Loop() {
			i++
			_, err := f.svc.CreateUser(f.admin, f.w.tenant.ID, directory.NewUser{
				UserPrincipalName: fmt.Sprintf("created%07d@%s", i, f.w.tenant.InitialDomain),
				DisplayName:       fmt.Sprintf("Created %07d", i),
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPermanentDeleteWithHistory: the permanent delete of a deleted
// user named by n audit records (as target), which the erase scrubs. It
// shows how the cost grows with a user's history.
func BenchmarkPermanentDeleteWithHistory(b *testing.B) {
	backends(b, func(b *testing.B, database string) {
		f := newFixture(b, database)
		ctx := context.Background()
		tenant := f.w.tenant.ID
		for _, n := range []int{1, 100, 1000} {
			b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
				round := 0
				for b.Loop() {
					b.StopTimer()
					round++
					u := f.w.member(f.w.tenant, fmt.Sprintf("history-%d-%d", n, round), fmt.Sprintf("History %d %d", n, round))
					now := f.svc.Now().UTC().Truncate(time.Microsecond)
					u.DeletedAt = &now
					err := f.store.Write(ctx, func(tx directory.Tx) error {
						if err := tx.CreateUser(ctx, u); err != nil {
							return err
						}
						for range n {
							if err := tx.AppendAudit(ctx, f.w.event(u, directory.ActivityUpdateUser, "Update", now)); err != nil {
								return err
							}
						}
						return nil
					})
					if err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					if err := f.svc.PermanentlyDeleteUser(f.admin, tenant, u.ID); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}
