package storetest

import (
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// Assignments whose principal is a group, or an application granted a
// permission of orgdir's API.
var appGrantTests = map[string]func(*testing.T, *fx){
	"GroupAssignmentsAreCreatedListedFoundAndDeleted": func(t *testing.T, f *fx) {
		tn := f.tenant()
		g, a := f.group(tn.ID, "Sales"), f.app(tn.ID)
		asg := &directory.AppRoleAssignment{ID: directory.NewID(), TenantID: tn.ID, PrincipalID: g.ID,
			PrincipalType: directory.PrincipalGroup, ResourceID: a.ID, AppRoleID: a.AppRoles[0].ID, CreatedAt: base}
		f.write(func(tx directory.Tx) error { return tx.CreateGroupAppRoleAssignment(f.ctx, asg) })
		f.read(func(tx directory.Tx) error {
			list, err := tx.ListGroupAppRoleAssignments(f.ctx, tn.ID, g.ID)
			if err != nil {
				return err
			}
			sameJSON(t, list, []*directory.AppRoleAssignment{asg})
			got, err := tx.GetAppRoleAssignment(f.ctx, tn.ID, asg.ID)
			if err != nil {
				return err
			}
			sameJSON(t, got, asg)
			return nil
		})
		dup := *asg
		dup.ID = directory.NewID()
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.CreateGroupAppRoleAssignment(f.ctx, &dup) }), directory.KindConflict)
		f.write(func(tx directory.Tx) error { return tx.DeleteAppRoleAssignment(f.ctx, tn.ID, asg.ID) })
		f.read(func(tx directory.Tx) error {
			list, err := tx.ListGroupAppRoleAssignments(f.ctx, tn.ID, g.ID)
			if len(list) != 0 {
				t.Errorf("after delete: %d assignments", len(list))
			}
			return err
		})
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.DeleteAppRoleAssignment(f.ctx, tn.ID, asg.ID) }), directory.KindNotFound)
	},
	"APIPermissionGrantsAreCreatedListedFoundAndDeleted": func(t *testing.T, f *fx) {
		tn := f.tenant()
		a := f.app(tn.ID)
		gr := &directory.AppRoleAssignment{ID: directory.NewID(), TenantID: tn.ID, PrincipalID: a.ID,
			PrincipalType: directory.PrincipalServicePrincipal, ResourceID: directory.OrgdirAPIAppID,
			AppRoleID: directory.APIPermissions[0].ID, CreatedAt: base}
		f.write(func(tx directory.Tx) error { return tx.CreateAPIPermissionGrant(f.ctx, gr) })
		f.read(func(tx directory.Tx) error {
			list, err := tx.ListAPIPermissionGrants(f.ctx, tn.ID, a.ID)
			if err != nil {
				return err
			}
			sameJSON(t, list, []*directory.AppRoleAssignment{gr})
			got, err := tx.GetAppRoleAssignment(f.ctx, tn.ID, gr.ID)
			if err != nil {
				return err
			}
			sameJSON(t, got, gr)
			return nil
		})
		dup := *gr
		dup.ID = directory.NewID()
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.CreateAPIPermissionGrant(f.ctx, &dup) }), directory.KindConflict)
		f.write(func(tx directory.Tx) error { return tx.DeleteAppRoleAssignment(f.ctx, tn.ID, gr.ID) })
		f.read(func(tx directory.Tx) error {
			list, err := tx.ListAPIPermissionGrants(f.ctx, tn.ID, a.ID)
			if len(list) != 0 {
				t.Errorf("after delete: %d grants", len(list))
			}
			return err
		})
	},
	"AnotherTenantCannotUseOrSeeGroupAssignmentsOrGrants": func(t *testing.T, f *fx) {
		tn, other := f.tenant(), f.tenant()
		g, a := f.group(tn.ID, "Sales"), f.app(tn.ID)
		asg := &directory.AppRoleAssignment{ID: directory.NewID(), TenantID: tn.ID, PrincipalID: g.ID,
			PrincipalType: directory.PrincipalGroup, ResourceID: a.ID, AppRoleID: a.AppRoles[0].ID, CreatedAt: base}
		f.write(func(tx directory.Tx) error { return tx.CreateGroupAppRoleAssignment(f.ctx, asg) })
		gr := &directory.AppRoleAssignment{ID: directory.NewID(), TenantID: tn.ID, PrincipalID: a.ID,
			PrincipalType: directory.PrincipalServicePrincipal, ResourceID: directory.OrgdirAPIAppID,
			AppRoleID: directory.APIPermissions[0].ID, CreatedAt: base}
		f.write(func(tx directory.Tx) error { return tx.CreateAPIPermissionGrant(f.ctx, gr) })
		// In the other tenant's name: nothing is found, nothing can be made.
		cross := *asg
		cross.ID, cross.TenantID = directory.NewID(), other.ID
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.CreateGroupAppRoleAssignment(f.ctx, &cross) }), directory.KindNotFound)
		crossGrant := *gr
		crossGrant.ID, crossGrant.TenantID = directory.NewID(), other.ID
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.CreateAPIPermissionGrant(f.ctx, &crossGrant) }), directory.KindNotFound)
		for _, id := range []string{asg.ID, gr.ID} {
			wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.DeleteAppRoleAssignment(f.ctx, other.ID, id) }), directory.KindNotFound)
			f.read(func(tx directory.Tx) error {
				_, err := tx.GetAppRoleAssignment(f.ctx, other.ID, id)
				wantKind(t, err, directory.KindNotFound)
				return nil
			})
		}
		f.read(func(tx directory.Tx) error {
			l1, err1 := tx.ListGroupAppRoleAssignments(f.ctx, other.ID, g.ID)
			l2, err2 := tx.ListAPIPermissionGrants(f.ctx, other.ID, a.ID)
			if len(l1)+len(l2) != 0 || err1 != nil || err2 != nil {
				t.Errorf("other tenant sees %d, %d (%v, %v)", len(l1), len(l2), err1, err2)
			}
			return nil
		})
	},
}
