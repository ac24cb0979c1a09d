package storetest

import (
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

var groupTests = map[string]func(*testing.T, *fx){
	"CreateThenGet": func(t *testing.T, f *fx) {
		tn := f.tenant()
		g := f.group(tn.ID, "Sales")
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetGroup(f.ctx, tn.ID, g.ID)
			wantNoErr(t, err)
			sameJSON(t, got, g)
			_, err = tx.GetGroup(f.ctx, tn.ID, directory.NewID())
			wantKind(t, err, directory.KindNotFound)
			return nil
		})
	},
	"ListPagesByDisplayNameIgnoringCaseThenID": func(t *testing.T, f *fx) {
		tn := f.tenant()
		c, a, b1, b2 := f.group(tn.ID, "charlie"), f.group(tn.ID, "Alpha"), f.group(tn.ID, "bravo"), f.group(tn.ID, "Bravo")
		if b2.ID < b1.ID {
			b1, b2 = b2, b1
		}
		want := []*directory.Group{a, b1, b2, c}
		var got []*directory.Group
		q := directory.GroupQuery{Limit: 3}
		for {
			var page []*directory.Group
			f.read(func(tx directory.Tx) error {
				var err error
				page, err = tx.ListGroups(f.ctx, tn.ID, q)
				return err
			})
			got = append(got, page...)
			if len(page) < q.Limit {
				break
			}
			q.After = page[len(page)-1]
		}
		sameJSON(t, got, want)
	},
	"MembersCanBeAddedListedAndRemoved": func(t *testing.T, f *fx) {
		tn := f.tenant()
		g := f.group(tn.ID, "Sales")
		u1, u2 := f.user(tn.ID), f.user(tn.ID)
		f.write(func(tx directory.Tx) error {
			if err := tx.AddGroupMember(f.ctx, tn.ID, g.ID, u1.ID); err != nil {
				return err
			}
			return tx.AddGroupMember(f.ctx, tn.ID, g.ID, u2.ID)
		})
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListGroupMembers(f.ctx, tn.ID, g.ID, directory.Page{})
			wantNoErr(t, err)
			sameIDs(t, userIDs(got), sortedIDs([]string{u1.ID, u2.ID}))
			first, err := tx.ListGroupMembers(f.ctx, tn.ID, g.ID, directory.Page{Limit: 1})
			wantNoErr(t, err)
			rest, err := tx.ListGroupMembers(f.ctx, tn.ID, g.ID, directory.Page{AfterID: first[0].ID})
			wantNoErr(t, err)
			sameIDs(t, userIDs(append(first, rest...)), userIDs(got))
			groups, err := tx.ListMemberOf(f.ctx, tn.ID, u1.ID)
			wantNoErr(t, err)
			sameJSON(t, groups, []*directory.Group{g})
			return nil
		})
		f.write(func(tx directory.Tx) error { return tx.RemoveGroupMember(f.ctx, tn.ID, g.ID, u1.ID) })
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListGroupMembers(f.ctx, tn.ID, g.ID, directory.Page{})
			wantNoErr(t, err)
			sameIDs(t, userIDs(got), []string{u2.ID})
			return nil
		})
	},
	"AddingAMemberTwiceIsConflict": func(t *testing.T, f *fx) {
		tn := f.tenant()
		g, u := f.group(tn.ID, "Sales"), f.user(tn.ID)
		f.write(func(tx directory.Tx) error { return tx.AddGroupMember(f.ctx, tn.ID, g.ID, u.ID) })
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.AddGroupMember(f.ctx, tn.ID, g.ID, u.ID) }), directory.KindConflict)
	},
	"UnknownGroupUserOrMembershipIsNotFound": func(t *testing.T, f *fx) {
		tn := f.tenant()
		g, u := f.group(tn.ID, "Sales"), f.user(tn.ID)
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.AddGroupMember(f.ctx, tn.ID, directory.NewID(), u.ID) }), directory.KindNotFound)
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.AddGroupMember(f.ctx, tn.ID, g.ID, directory.NewID()) }), directory.KindNotFound)
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.RemoveGroupMember(f.ctx, tn.ID, g.ID, u.ID) }), directory.KindNotFound)
		f.read(func(tx directory.Tx) error {
			_, err := tx.ListGroupMembers(f.ctx, tn.ID, directory.NewID(), directory.Page{})
			wantKind(t, err, directory.KindNotFound)
			return nil
		})
	},
	"DeletedUsersMembershipIsHiddenAndBackAfterRestore": func(t *testing.T, f *fx) {
		tn := f.tenant()
		g, u, other := f.group(tn.ID, "Sales"), f.user(tn.ID), f.user(tn.ID)
		f.write(func(tx directory.Tx) error {
			if err := tx.AddGroupMember(f.ctx, tn.ID, g.ID, u.ID); err != nil {
				return err
			}
			return tx.AddGroupMember(f.ctx, tn.ID, g.ID, other.ID)
		})
		members := func() []string {
			var ids []string
			f.read(func(tx directory.Tx) error {
				got, err := tx.ListGroupMembers(f.ctx, tn.ID, g.ID, directory.Page{})
				ids = userIDs(got)
				return err
			})
			return ids
		}
		deleted(base)(u)
		f.write(func(tx directory.Tx) error { return tx.UpdateUser(f.ctx, u) })
		sameIDs(t, members(), []string{other.ID})
		f.read(func(tx directory.Tx) error {
			groups, err := tx.ListMemberOf(f.ctx, tn.ID, u.ID)
			wantNoErr(t, err)
			sameJSON(t, groups, []*directory.Group{g}) // kept, for a restore
			return nil
		})
		u.DeletedAt, u.PurgeAt = nil, nil
		f.write(func(tx directory.Tx) error { return tx.UpdateUser(f.ctx, u) })
		sameIDs(t, members(), sortedIDs([]string{u.ID, other.ID}))
	},
}
