package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/sqlstore"
)

// BenchmarkEraseWrite measures what the WAL checkpoint that follows an
// erasing Write costs the writer: one Write that deletes a user and scrubs
// its audit records (what a permanent delete and each user of the purge
// do), on the store as Open makes it ("checkpoint": the Write wakes the
// background checkpointer, which runs at most once a second), the same
// while two goroutines read pages of users without pause, as browsing
// administrators would ("checkpoint-with-readers": TRUNCATE waits for
// readers to leave the WAL; it used to do so on the one writer connection,
// holding up every write), and on the same database without the
// AfterErase hook ("no-checkpoint").
//
//	go test -run XXX -bench EraseWrite ./internal/store/sqlite/
func BenchmarkEraseWrite(b *testing.B) {
	for _, tc := range []struct {
		name       string
		checkpoint bool
		readers    int
	}{
		{"checkpoint", true, 0},
		{"checkpoint-with-readers", true, 2},
		{"no-checkpoint", false, 0},
		{"no-checkpoint-with-readers", false, 2},
	} {
		checkpoint := tc.checkpoint
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(ctx, filepath.Join(b.TempDir(), "orgdir.db"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = s.Close() })
			var st directory.Store = s
			if !checkpoint {
				st = sqlstore.New(sqlstore.Config{Dialect: Dialect(), ReadDB: s.read, WriteDB: s.write})
			}
			now := time.Now().UTC().Truncate(time.Microsecond)
			tn := &directory.Tenant{ID: directory.NewID(), DisplayName: "Bench", InitialDomain: "bench.example", CreatedAt: now, Settings: directory.DefaultTenantSettings()}
			if err := st.Write(ctx, func(tx directory.Tx) error { return tx.CreateTenant(ctx, tn) }); err != nil {
				b.Fatal(err)
			}
			// A tenant of realistic size, so the tables are not trivially small.
			seedUsers(b, st, tn, now, "base", 10000)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for range tc.readers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						_ = st.Read(ctx, func(tx directory.Tx) error {
							_, err := tx.ListUsers(ctx, tn.ID, directory.UserQuery{OrderBy: directory.OrderByDisplayName, Limit: 100})
							return err
						})
					}
				}()
			}
			defer func() { close(stop); wg.Wait() }()
			var pool []string
			for b.Loop() {
				if len(pool) == 0 {
					b.StopTimer()
					pool = seedUsers(b, st, tn, now, fmt.Sprint(time.Now().UnixNano()), 500)
					b.StartTimer()
				}
				id := pool[0]
				pool = pool[1:]
				if err := st.Write(ctx, func(tx directory.Tx) error {
					if err := tx.DeleteUser(ctx, tn.ID, id); err != nil {
						return err
					}
					return tx.ScrubAuditSubject(ctx, id)
				}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// seedUsers writes n users of tn, each with one audit record naming it,
// in one Write, and returns their ids.
func seedUsers(b *testing.B, st directory.Store, tn *directory.Tenant, now time.Time, tag string, n int) []string {
	b.Helper()
	ctx := context.Background()
	ids := make([]string, 0, n)
	err := st.Write(ctx, func(tx directory.Tx) error {
		for i := range n {
			upn := fmt.Sprintf("u-%s-%d@%s", tag, i, tn.InitialDomain)
			u := &directory.User{ID: directory.NewID(), TenantID: tn.ID, UserPrincipalName: upn, Mail: upn,
				DisplayName: "User " + upn, UserType: directory.Member, AccountEnabled: true, CreatedAt: now}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			if err := tx.AppendAudit(ctx, &directory.AuditEvent{ID: directory.NewID(), TenantID: tn.ID, Time: now,
				Activity: directory.ActivityAddUser, Category: directory.CategoryUserManagement, OperationType: "Add",
				Result: directory.ResultSuccess, Initiator: directory.AuditInitiator{AppName: "bench"},
				Targets: []directory.AuditTarget{{ID: u.ID, Type: "User", DisplayName: u.DisplayName, UPN: upn}}}); err != nil {
				return err
			}
			ids = append(ids, u.ID)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return ids
}
