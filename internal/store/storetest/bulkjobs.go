package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

var bulkJobTests = map[string]func(*testing.T, *fx){
	"RoundTripAndProgress": func(t *testing.T, f *fx) {
		tn := f.tenant()
		j := &directory.BulkJob{ID: directory.NewID(), TenantID: tn.ID, Kind: directory.BulkCreateUsers, State: directory.BulkRunning,
			Total: 3, CreatedBy: directory.NewID(), CreatedAt: base, UpdatedAt: base}
		f.write(func(tx directory.Tx) error { return tx.CreateBulkJob(f.ctx, j) })
		at := base.Add(time.Minute)
		j.Done, j.Failed, j.State, j.UpdatedAt, j.FinishedAt, j.Result = 2, 1, directory.BulkFinished, at, &at, "row,key,result\n"
		f.write(func(tx directory.Tx) error { return tx.UpdateBulkJob(f.ctx, j) })
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetBulkJob(f.ctx, tn.ID, j.ID)
			wantNoErr(t, err)
			if got.Done != 2 || got.Failed != 1 || got.Total != 3 || got.State != directory.BulkFinished || got.Result != j.Result ||
				got.FinishedAt == nil || !got.FinishedAt.Equal(at) || !got.CreatedAt.Equal(base) || !got.UpdatedAt.Equal(at) || got.CreatedBy != j.CreatedBy || got.Kind != j.Kind {
				t.Fatalf("read back %+v, wrote %+v", got, j)
			}
			return nil
		})
	},
	"AnotherTenantCannotSeeIt": func(t *testing.T, f *fx) {
		tn, other := f.tenant(), f.tenant()
		j := &directory.BulkJob{ID: directory.NewID(), TenantID: tn.ID, Kind: directory.BulkInviteUsers, State: directory.BulkRunning, Total: 1, CreatedAt: base, UpdatedAt: base}
		f.write(func(tx directory.Tx) error { return tx.CreateBulkJob(f.ctx, j) })
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetBulkJob(f.ctx, other.ID, j.ID)
			wantKind(t, err, directory.KindNotFound)
			return nil
		})
		moved := *j
		moved.TenantID, moved.Done = other.ID, 1
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.UpdateBulkJob(f.ctx, &moved) }), directory.KindNotFound)
	},
}

func init() {
	bulkJobTests["DeleteBeforeTakesOnlyTheOldOnes"] = func(t *testing.T, f *fx) {
		tn, other := f.tenant(), f.tenant()
		old := &directory.BulkJob{ID: directory.NewID(), TenantID: tn.ID, Kind: directory.BulkCreateUsers, State: directory.BulkFinished,
			Total: 1, CreatedAt: base, UpdatedAt: base}
		otherOld := *old
		otherOld.ID, otherOld.TenantID = directory.NewID(), other.ID
		recent := *old
		recent.ID, recent.UpdatedAt = directory.NewID(), base.Add(time.Hour)
		f.write(func(tx directory.Tx) error {
			for _, j := range []*directory.BulkJob{old, &otherOld, &recent} {
				if err := tx.CreateBulkJob(f.ctx, j); err != nil {
					return err
				}
			}
			return nil
		})
		f.write(func(tx directory.Tx) error {
			n, err := tx.DeleteBulkJobsBefore(f.ctx, base.Add(time.Minute))
			if err == nil && n != 2 {
				t.Errorf("deleted %d jobs, want the 2 old ones of both tenants", n)
			}
			return err
		})
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetBulkJob(f.ctx, tn.ID, old.ID)
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetBulkJob(f.ctx, tn.ID, recent.ID)
			wantNoErr(t, err)
			return nil
		})
	}
}

var savepointTests = map[string]func(*testing.T, *fx){
	// A failed savepoint undoes its own writes only, even after a failed
	// statement, and the Write goes on and commits the rest.
	"AFailedRowUndoesItselfOnly": func(t *testing.T, f *fx) {
		tn := f.tenant()
		first, half, clash, last := f.newUser(tn.ID), f.newUser(tn.ID), f.newUser(tn.ID), f.newUser(tn.ID)
		clash.UserPrincipalName = first.UserPrincipalName
		boom := errors.New("boom")
		f.write(func(tx directory.Tx) error {
			wantNoErr(t, tx.Savepoint(f.ctx, func() error { return tx.CreateUser(f.ctx, first) }))
			err := tx.Savepoint(f.ctx, func() error {
				if err := tx.CreateUser(f.ctx, half); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("Savepoint returned %v, want the closure's error", err)
			}
			wantKind(t, tx.Savepoint(f.ctx, func() error { return tx.CreateUser(f.ctx, clash) }), directory.KindConflict)
			return tx.Savepoint(f.ctx, func() error { return tx.CreateUser(f.ctx, last) })
		})
		f.read(func(tx directory.Tx) error {
			for _, u := range []*directory.User{first, last} {
				_, err := tx.GetUser(f.ctx, tn.ID, u.ID)
				wantNoErr(t, err)
			}
			for _, u := range []*directory.User{half, clash} {
				_, err := tx.GetUser(f.ctx, tn.ID, u.ID)
				wantKind(t, err, directory.KindNotFound)
			}
			return nil
		})
	},
}
