package storetest

import (
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// bindingTests pin the store's half of "one live user per person and
// tenant": a second live user bound to the same home user, or to the same
// e-mail identity, in the same tenant is KindConflict, whether created or
// updated into it, so that two redemptions at the same moment cannot both
// bind. Other tenants, deleted users and other people are not affected.
var bindingTests = map[string]func(*testing.T, *fx){
	"SecondLiveUserOfOneHomeUserInATenantIsConflict": func(t *testing.T, f *fx) {
		home, tn := f.tenant(), f.tenant()
		person := f.user(home.ID)
		f.user(tn.ID, func(u *directory.User) { u.HomeUserID = person.ID })
		second := f.newUser(tn.ID)
		second.HomeUserID = person.ID
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.CreateUser(f.ctx, second) }), directory.KindConflict)
		// Binding an existing pending user, as Redeem does, is refused too,
		// and leaves it as it was.
		pending := f.user(tn.ID)
		bound := *pending
		bound.HomeUserID = person.ID
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.UpdateUser(f.ctx, &bound) }), directory.KindConflict)
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetUser(f.ctx, tn.ID, pending.ID)
			wantNoErr(t, err)
			sameJSON(t, got, pending)
			return nil
		})
	},
	"SecondLiveUserOfOneEmailIdentityInATenantIsConflict": func(t *testing.T, f *fx) {
		tn := f.tenant()
		identity := directory.NewID()
		f.user(tn.ID, func(u *directory.User) { u.HomeEmailIdentityID = identity })
		pending := f.user(tn.ID)
		bound := *pending
		bound.HomeEmailIdentityID = identity
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.UpdateUser(f.ctx, &bound) }), directory.KindConflict)
	},
	"SameHomeInAnotherTenantIsAllowed": func(t *testing.T, f *fx) {
		home, a, b := f.tenant(), f.tenant(), f.tenant()
		person := f.user(home.ID)
		identity := directory.NewID()
		f.user(a.ID, func(u *directory.User) { u.HomeUserID = person.ID })
		f.user(a.ID, func(u *directory.User) { u.HomeEmailIdentityID = identity })
		f.user(b.ID, func(u *directory.User) { u.HomeUserID = person.ID })
		f.user(b.ID, func(u *directory.User) { u.HomeEmailIdentityID = identity })
	},
	"DeletedUsersDoNotCount": func(t *testing.T, f *fx) {
		home, tn := f.tenant(), f.tenant()
		person := f.user(home.ID)
		first := f.user(tn.ID, func(u *directory.User) { u.HomeUserID = person.ID })
		// Left and invited again: the deleted guest waits in Deleted users
		// while the new one is bound.
		del := base.Add(time.Hour)
		purge := del.Add(30 * 24 * time.Hour)
		first.DeletedAt, first.PurgeAt = &del, &purge
		f.write(func(tx directory.Tx) error { return tx.UpdateUser(f.ctx, first) })
		again := f.user(tn.ID, func(u *directory.User) { u.HomeUserID = person.ID })
		f.user(tn.ID, deleted(base), func(u *directory.User) { u.HomeUserID = person.ID })
		// Restoring the first while the new one is live is refused.
		first.DeletedAt, first.PurgeAt = nil, nil
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.UpdateUser(f.ctx, first) }), directory.KindConflict)
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListUsersByHome(f.ctx, person.ID, "")
			wantNoErr(t, err)
			live := 0
			for _, u := range got {
				if !u.Deleted() {
					live++
					sameIDs(t, []string{u.ID}, []string{again.ID})
				}
			}
			if live != 1 || len(got) != 3 {
				t.Fatalf("bound users = %d, %d live; want 3, 1 live", len(got), live)
			}
			return nil
		})
	},
	"UnboundUsersDoNotCount": func(t *testing.T, f *fx) {
		tn := f.tenant()
		// Members and pending guests are bound to nobody: any number of them.
		for range 3 {
			f.user(tn.ID)
		}
	},
}
