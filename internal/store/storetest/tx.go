package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

var txTests = map[string]func(*testing.T, *fx){
	"AWriteThatFailsLeavesNothing": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u := f.newUser(tn.ID)
		g := &directory.Group{ID: directory.NewID(), TenantID: tn.ID, DisplayName: "G", CreatedAt: base}
		boom := errors.New("boom")
		err := f.tryWrite(func(tx directory.Tx) error {
			if err := tx.CreateUser(f.ctx, u); err != nil {
				return err
			}
			if err := tx.CreateGroup(f.ctx, g); err != nil {
				return err
			}
			if err := tx.AddGroupMember(f.ctx, tn.ID, g.ID, u.ID); err != nil {
				return err
			}
			if err := tx.AppendAudit(f.ctx, auditEvent(tn.ID, base, directory.ActivityAddUser, directory.AuditTarget{ID: u.ID})); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Write returned %v, want the closure's error", err)
		}
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetUser(f.ctx, tn.ID, u.ID)
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetGroup(f.ctx, tn.ID, g.ID)
			wantKind(t, err, directory.KindNotFound)
			events, err := tx.ListAudit(f.ctx, tn.ID, directory.AuditQuery{})
			wantNoErr(t, err)
			if len(events) != 0 {
				t.Fatal("the audit event of a failed Write remains")
			}
			return nil
		})
	},
	"AStoreErrorInsideAWriteRollsBackTheEarlierStatements": func(t *testing.T, f *fx) {
		tn := f.tenant()
		taken := f.user(tn.ID)
		fresh := f.newUser(tn.ID)
		err := f.tryWrite(func(tx directory.Tx) error {
			if err := tx.CreateUser(f.ctx, fresh); err != nil {
				return err
			}
			dup := f.newUser(tn.ID)
			dup.UserPrincipalName = taken.UserPrincipalName
			return tx.CreateUser(f.ctx, dup)
		})
		wantKind(t, err, directory.KindConflict)
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetUser(f.ctx, tn.ID, fresh.ID)
			wantKind(t, err, directory.KindNotFound)
			return nil
		})
	},
	"AWriteGoesOnAfterAConflictOrNotFound": func(t *testing.T, f *fx) {
		tn := f.tenant()
		taken := f.user(tn.ID)
		fresh := f.newUser(tn.ID)
		f.write(func(tx directory.Tx) error {
			dup := f.newUser(tn.ID)
			dup.UserPrincipalName = taken.UserPrincipalName
			wantKind(t, tx.CreateUser(f.ctx, dup), directory.KindConflict)
			wantKind(t, tx.AddGroupMember(f.ctx, tn.ID, directory.NewID(), taken.ID), directory.KindNotFound)
			wantKind(t, tx.UpdateUser(f.ctx, f.newUser(tn.ID)), directory.KindNotFound)
			if _, err := tx.GetUserByUPN(f.ctx, tn.ID, taken.UserPrincipalName); err != nil {
				return err
			}
			return tx.CreateUser(f.ctx, fresh)
		})
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetUser(f.ctx, tn.ID, fresh.ID)
			wantNoErr(t, err)
			return nil
		})
	},
	"ConcurrentReadModifyWritesOfOneUserLoseNoUpdate": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u := f.user(tn.ID, func(u *directory.User) { u.DisplayName = "0" })
		const workers, rounds = 6, 8
		ctx, cancel := context.WithTimeout(f.ctx, 2*time.Minute)
		defer cancel()
		var wg sync.WaitGroup
		errs := make(chan error, workers*rounds)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range rounds {
					errs <- f.s.Write(ctx, func(tx directory.Tx) error {
						cur, err := tx.GetUser(ctx, tn.ID, u.ID)
						if err != nil {
							return err
						}
						n, err := strconv.Atoi(cur.DisplayName)
						if err != nil {
							return err
						}
						cur.DisplayName = strconv.Itoa(n + 1)
						return tx.UpdateUser(ctx, cur)
					})
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			wantNoErr(t, err)
		}
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetUser(f.ctx, tn.ID, u.ID)
			wantNoErr(t, err)
			if want := strconv.Itoa(workers * rounds); got.DisplayName != want {
				t.Fatalf("counter = %s after %s increments: updates were lost", got.DisplayName, want)
			}
			return nil
		})
	},
	"ConcurrentCreatesOfOneUPNLetExactlyOneWin": func(t *testing.T, f *fx) {
		tn := f.tenant()
		const workers = 8
		var wg sync.WaitGroup
		errs := make([]error, workers)
		for i := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				u := &directory.User{ID: directory.NewID(), TenantID: tn.ID, UserPrincipalName: "same@example.test",
					DisplayName: fmt.Sprint("racer ", i), UserType: directory.Member, AccountEnabled: true, CreatedAt: base}
				errs[i] = f.s.Write(f.ctx, func(tx directory.Tx) error { return tx.CreateUser(f.ctx, u) })
			}()
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
				continue
			}
			wantKind(t, err, directory.KindConflict)
		}
		if wins != 1 {
			t.Fatalf("%d creates of one UPN succeeded, want 1", wins)
		}
	},
	"ReadsRunBesideWrites": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u := f.user(tn.ID)
		ctx, cancel := context.WithTimeout(f.ctx, time.Minute)
		defer cancel()
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 20 {
			wg.Add(2)
			go func() {
				defer wg.Done()
				errs <- f.s.Write(ctx, func(tx directory.Tx) error {
					return tx.CreateGroup(ctx, &directory.Group{ID: directory.NewID(), TenantID: tn.ID, DisplayName: fmt.Sprint("g", i), CreatedAt: base})
				})
			}()
			go func() {
				defer wg.Done()
				errs <- f.s.Read(ctx, func(tx directory.Tx) error {
					_, err := tx.GetUser(ctx, tn.ID, u.ID)
					return err
				})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			wantNoErr(t, err)
		}
		f.read(func(tx directory.Tx) error {
			gs, err := tx.ListGroups(f.ctx, tn.ID, directory.GroupQuery{})
			wantNoErr(t, err)
			if len(gs) != 20 {
				t.Fatalf("got %d groups, want 20", len(gs))
			}
			return nil
		})
	},
	"ConcurrentWritesKeepTheirOwnOutcome": func(t *testing.T, f *fx) {
		// Writes that run at once (and may be committed together) each
		// get their own result: a failure undoes its own writes only.
		tn := f.tenant()
		const workers = 40
		users := make([]*directory.User, workers)
		for i := range users {
			users[i] = f.newUser(tn.ID)
			if i%5 == 4 { // races i-1 for one UPN: exactly one of them wins
				users[i].UserPrincipalName = users[i-1].UserPrincipalName
			}
		}
		errs := make([]error, workers)
		var wg sync.WaitGroup
		for i, u := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = f.s.Write(f.ctx, func(tx directory.Tx) error {
					if err := tx.CreateUser(f.ctx, u); err != nil {
						return err
					}
					if err := tx.AppendAudit(f.ctx, auditEvent(tn.ID, base, directory.ActivityAddUser, directory.AuditTarget{ID: u.ID})); err != nil {
						return err
					}
					if i%3 == 0 {
						return fmt.Errorf("refused %d", i)
					}
					return nil
				})
			}()
		}
		wg.Wait()
		wins := map[string]int{}
		f.read(func(tx directory.Tx) error {
			for i, u := range users {
				_, getErr := tx.GetUser(f.ctx, tn.ID, u.ID)
				switch {
				case i%3 == 0:
					if errs[i] == nil || (errs[i].Error() != fmt.Sprintf("refused %d", i) && directory.KindOf(errs[i]) != directory.KindConflict) {
						t.Errorf("write %d returned %v, want its own error", i, errs[i])
					}
					wantKind(t, getErr, directory.KindNotFound)
				case errs[i] == nil:
					wantNoErr(t, getErr)
					wins[u.UserPrincipalName]++
				default:
					wantKind(t, errs[i], directory.KindConflict)
					wantKind(t, getErr, directory.KindNotFound)
				}
			}
			events, err := tx.ListAudit(f.ctx, tn.ID, directory.AuditQuery{})
			wantNoErr(t, err)
			kept := 0
			for _, err := range errs {
				if err == nil {
					kept++
				}
			}
			if len(events) != kept {
				t.Errorf("%d audit events for %d successful writes", len(events), kept)
			}
			return nil
		})
		for i, u := range users {
			if i%5 == 4 && i%3 != 0 && (i-1)%3 != 0 && wins[u.UserPrincipalName] != 1 {
				t.Errorf("UPN %s: %d winners, want 1", u.UserPrincipalName, wins[u.UserPrincipalName])
			}
		}
	},
	"AWriteWhoseContextEndedIsNotRun": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u := f.newUser(tn.ID)
		ctx, cancel := context.WithCancel(f.ctx)
		cancel()
		ran := false
		err := f.s.Write(ctx, func(tx directory.Tx) error {
			ran = true
			return tx.CreateUser(ctx, u)
		})
		if err == nil {
			t.Fatal("a Write with an ended context succeeded")
		}
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetUser(f.ctx, tn.ID, u.ID)
			if ran && err == nil {
				t.Fatal("the Write of an ended context was kept")
			}
			wantKind(t, err, directory.KindNotFound)
			return nil
		})
	},
}
