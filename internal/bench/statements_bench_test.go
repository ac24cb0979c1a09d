package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/postgres"
	"github.com/orgdir/orgdir/internal/store/sqlstore"
)

// BenchmarkStatementsPerOperation reports, as stmts/op, how many SQL
// statements (each a round trip to PostgreSQL, BEGIN and COMMIT not
// counted) each service operation sends, through the store's statement
// trace. PostgreSQL only:
//
//	ORGDIR_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable go test -run XXX -bench StatementsPerOperation -benchtime 20x ./internal/bench/
func BenchmarkStatementsPerOperation(b *testing.B) {
	dsn := os.Getenv("ORGDIR_TEST_POSTGRES")
	if dsn == "" {
		b.Skip("set ORGDIR_TEST_POSTGRES to count PostgreSQL's statements")
	}
	ctx := context.Background()
	sc, err := openScratch(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := sc.remove(); err != nil {
			b.Error(err)
		}
	})
	cfg, err := pgx.ParseConfig(sc.dsn)
	if err != nil {
		b.Fatal(err)
	}
	db := stdlib.OpenDB(*cfg)
	b.Cleanup(func() { _ = db.Close() })
	var stmts atomic.Int64
	// The same store as postgres.Open builds, with a counting trace.
	st := sqlstore.New(sqlstore.Config{
		Dialect: postgres.Dialect(), ReadDB: db, WriteDB: db,
		ReadTx: &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true},
		Trace:  func(string, []any) { stmts.Add(1) },
	})
	svc := directory.NewService(st, directory.Options{PublicBaseURL: "http://bench.invalid"})
	w, err := seed(ctx, st, svc.Now(), 1000)
	if err != nil {
		b.Fatal(err)
	}
	tenant := w.tenant.ID
	admin := directory.WithActor(ctx, directory.UserActor(tenant, w.admin.ID))
	sys := directory.WithActor(ctx, directory.SystemActor(directory.PurgeAppName))
	page := directory.UserQuery{OrderBy: directory.OrderByDisplayName, Limit: pageSize}

	// setState makes guest g live or deleted (a leave) before an
	// operation that needs it so.
	setState := func(g *directory.User, deleted bool) error {
		_, err := svc.GetDeletedUser(admin, tenant, g.ID)
		isDeleted := err == nil
		switch {
		case err != nil && !directory.IsKind(err, directory.KindNotFound):
			return err
		case isDeleted == deleted:
			return nil
		case deleted:
			return svc.Leave(directory.WithActor(ctx, directory.UserActor(tenant, g.ID)), tenant)
		default:
			_, err := svc.RestoreUser(admin, tenant, g.ID, "")
			return err
		}
	}

	// setLive restores member u if an earlier round deleted it.
	setLive := func(u *directory.User) error {
		_, err := svc.GetDeletedUser(admin, tenant, u.ID)
		if directory.IsKind(err, directory.KindNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		_, err = svc.RestoreUser(admin, tenant, u.ID, "")
		return err
	}

	// Each op prepares its object (untimed, uncounted), then runs.
	ops := []struct {
		name    string
		prepare func(i int) (func() error, error)
	}{
		{"get-user", func(i int) (func() error, error) {
			return func() error { _, err := svc.GetUser(admin, tenant, w.members[i%len(w.members)].ID); return err }, nil
		}},
		{"users-page", func(int) (func() error, error) {
			return func() error { _, err := svc.ListUsers(admin, tenant, page); return err }, nil
		}},
		{"invite", func(i int) (func() error, error) {
			r := directory.InviteRequest{InvitedUserEmailAddress: fmt.Sprintf("stmts%07d@partner.example", i), SendInvitationMessage: true}
			return func() error { _, err := svc.Invite(admin, tenant, r); return err }, nil
		}},
		{"delete", func(i int) (func() error, error) {
			u := w.members[i%len(w.members)]
			return func() error { return svc.DeleteUser(admin, tenant, u.ID) }, setLive(u)
		}},
		{"leave", func(i int) (func() error, error) {
			g := w.guests[i%len(w.guests)]
			guest := directory.WithActor(ctx, directory.UserActor(tenant, g.ID))
			return func() error { return svc.Leave(guest, tenant) }, setState(g, false)
		}},
		{"restore", func(i int) (func() error, error) {
			g := w.guests[i%len(w.guests)]
			return func() error { _, err := svc.RestoreUser(admin, tenant, g.ID, ""); return err }, setState(g, true)
		}},
		{"permanent-delete", func(i int) (func() error, error) {
			// A deleted user of its own, with its "Add user" and "Delete
			// user" records, as the delete row leaves one.
			u := w.member(w.tenant, fmt.Sprint("erased", i), fmt.Sprint("Erased ", i))
			at := svc.Now().UTC().Truncate(time.Microsecond)
			u.DeletedAt = &at
			err := st.Write(ctx, func(tx directory.Tx) error {
				return errors.Join(tx.CreateUser(ctx, u),
					tx.AppendAudit(ctx, w.event(u, directory.ActivityAddUser, "Add", at)),
					tx.AppendAudit(ctx, w.event(u, directory.ActivityDeleteUser, "Delete", at)))
			})
			return func() error { return svc.PermanentlyDeleteUser(admin, tenant, u.ID) }, err
		}},
		{"purge-one", func(i int) (func() error, error) {
			// PurgeExpired goes on until nothing is due: one user, then
			// one empty look, as the job does.
			now := svc.Now()
			return func() error { _, err := svc.PurgeExpired(sys, now, 1); return err },
				seedExpired(ctx, st, w, now, fmt.Sprint("stmts", i), 1)
		}},
	}
	for _, op := range ops {
		b.Run(op.name, func(b *testing.B) {
			var total int64
			i := 0
			for b.Loop() {
				b.StopTimer()
				run, err := op.prepare(i)
				if err != nil {
					b.Fatal(err)
				}
				i++
				stmts.Store(0)
				b.StartTimer()
				if err := run(); err != nil {
					b.Fatal(err)
				}
				total += stmts.Load()
			}
			b.ReportMetric(float64(total)/float64(b.N), "stmts/op")
		})
	}
}
