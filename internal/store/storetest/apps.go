package storetest

import (
	"errors"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

func (f *fx) assignment(tenantID, userID, appID, roleID string) *directory.AppRoleAssignment {
	f.t.Helper()
	a := &directory.AppRoleAssignment{ID: directory.NewID(), TenantID: tenantID, PrincipalID: userID, PrincipalType: directory.PrincipalUser, ResourceID: appID, AppRoleID: roleID, CreatedAt: base}
	f.write(func(tx directory.Tx) error { return tx.CreateAppRoleAssignment(f.ctx, a) })
	return a
}

var applicationTests = map[string]func(*testing.T, *fx){
	"UpdateWritesClientSettingsAndSecrets": func(t *testing.T, f *fx) {
		tn, other := f.tenant(), f.tenant()
		a := f.app(tn.ID)
		a.DisplayName = "Renamed"
		a.WebRedirectURIs = []string{"https://app.example/callback", "http://localhost:8400/cb"}
		a.WebLogoutURL = "https://app.example/signed-out"
		a.WebHomePageURL = "https://app.example/"
		a.SPARedirectURIs = []string{"https://spa.example/"}
		a.PublicClientRedirectURIs = []string{"http://127.0.0.1/"}
		a.AppRoleAssignmentRequired = true
		a.GroupMembershipClaims = directory.GroupClaimsAll
		a.PasswordCredentials = []directory.PasswordCredential{{KeyID: directory.NewID(), DisplayName: "ci", Hint: "ods",
			StartDateTime: base, EndDateTime: base.AddDate(2, 0, 0), SecretHash: directory.HashSecret("ods_x")}}
		f.write(func(tx directory.Tx) error { return tx.UpdateApplication(f.ctx, a) })
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetApplication(f.ctx, tn.ID, a.ID)
			wantNoErr(t, err)
			sameJSON(t, got, a)
			return nil
		})
		// Another tenant cannot write it.
		moved := *a
		moved.TenantID, moved.DisplayName = other.ID, "Stolen"
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.UpdateApplication(f.ctx, &moved) }), directory.KindNotFound)
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetApplication(f.ctx, tn.ID, a.ID)
			wantNoErr(t, err)
			if got.DisplayName != "Renamed" {
				t.Errorf("display name = %q after another tenant's update", got.DisplayName)
			}
			return nil
		})
	},
	"CreateThenGetKeepsAppRoles": func(t *testing.T, f *fx) {
		tn := f.tenant()
		a := f.app(tn.ID)
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetApplication(f.ctx, tn.ID, a.ID)
			wantNoErr(t, err)
			sameJSON(t, got, a)
			_, err = tx.GetApplication(f.ctx, tn.ID, directory.NewID())
			wantKind(t, err, directory.KindNotFound)
			return nil
		})
	},
	"ListPagesByID": func(t *testing.T, f *fx) {
		tn := f.tenant()
		var ids []string
		for range 5 {
			ids = append(ids, f.app(tn.ID).ID)
		}
		var got []string
		p := directory.Page{Limit: 2}
		for {
			var page []*directory.Application
			f.read(func(tx directory.Tx) error {
				var err error
				page, err = tx.ListApplications(f.ctx, tn.ID, p)
				return err
			})
			for _, a := range page {
				got = append(got, a.ID)
			}
			if len(page) < p.Limit {
				break
			}
			p.AfterID = page[len(page)-1].ID
		}
		sameIDs(t, got, sortedIDs(ids))
	},
	"AssignmentsCanBeCreatedListedAndDeleted": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u, a := f.user(tn.ID), f.app(tn.ID)
		asg := f.assignment(tn.ID, u.ID, a.ID, a.AppRoles[0].ID)
		def := f.assignment(tn.ID, u.ID, a.ID, directory.DefaultAppRoleID)
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetAppRoleAssignment(f.ctx, tn.ID, asg.ID)
			wantNoErr(t, err)
			sameJSON(t, got, asg)
			list, err := tx.ListAppRoleAssignments(f.ctx, tn.ID, u.ID)
			wantNoErr(t, err)
			if len(list) != 2 {
				t.Fatalf("got %d assignments, want 2", len(list))
			}
			return nil
		})
		f.write(func(tx directory.Tx) error { return tx.DeleteAppRoleAssignment(f.ctx, tn.ID, asg.ID) })
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetAppRoleAssignment(f.ctx, tn.ID, asg.ID)
			wantKind(t, err, directory.KindNotFound)
			list, err := tx.ListAppRoleAssignments(f.ctx, tn.ID, u.ID)
			wantNoErr(t, err)
			sameJSON(t, list, []*directory.AppRoleAssignment{def})
			return nil
		})
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.DeleteAppRoleAssignment(f.ctx, tn.ID, asg.ID) }), directory.KindNotFound)
	},
	"AssignmentsOfAnAppAreListedByApp": func(t *testing.T, f *fx) {
		tn, other := f.tenant(), f.tenant()
		a, b := f.app(tn.ID), f.app(tn.ID)
		u1, u2 := f.user(tn.ID), f.user(tn.ID)
		x1 := f.assignment(tn.ID, u1.ID, a.ID, a.AppRoles[0].ID)
		x2 := f.assignment(tn.ID, u2.ID, a.ID, directory.DefaultAppRoleID)
		f.assignment(tn.ID, u1.ID, b.ID, b.AppRoles[0].ID)
		f.read(func(tx directory.Tx) error {
			list, err := tx.ListAppAssignments(f.ctx, tn.ID, a.ID)
			wantNoErr(t, err)
			want := []*directory.AppRoleAssignment{x1, x2}
			if x2.ID < x1.ID { // same created_at: by id
				want = []*directory.AppRoleAssignment{x2, x1}
			}
			sameJSON(t, list, want)
			// Another tenant sees none of them.
			list, err = tx.ListAppAssignments(f.ctx, other.ID, a.ID)
			wantNoErr(t, err)
			if len(list) != 0 {
				t.Errorf("another tenant lists %d assignments of the app", len(list))
			}
			return nil
		})
	},
	"TheSameGrantTwiceIsConflict": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u, a := f.user(tn.ID), f.app(tn.ID)
		f.assignment(tn.ID, u.ID, a.ID, a.AppRoles[0].ID)
		err := f.tryWrite(func(tx directory.Tx) error {
			return tx.CreateAppRoleAssignment(f.ctx, &directory.AppRoleAssignment{ID: directory.NewID(), TenantID: tn.ID,
				PrincipalID: u.ID, ResourceID: a.ID, AppRoleID: a.AppRoles[0].ID, CreatedAt: base})
		})
		wantKind(t, err, directory.KindConflict)
	},
	"AssignmentToUnknownUserOrAppIsNotFound": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u, a := f.user(tn.ID), f.app(tn.ID)
		for _, asg := range []*directory.AppRoleAssignment{
			{ID: directory.NewID(), TenantID: tn.ID, PrincipalID: directory.NewID(), ResourceID: a.ID, AppRoleID: directory.DefaultAppRoleID, CreatedAt: base},
			{ID: directory.NewID(), TenantID: tn.ID, PrincipalID: u.ID, ResourceID: directory.NewID(), AppRoleID: directory.DefaultAppRoleID, CreatedAt: base},
		} {
			wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.CreateAppRoleAssignment(f.ctx, asg) }), directory.KindNotFound)
		}
	},
	"DeletedUsersAssignmentsAreKept": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u, a := f.user(tn.ID), f.app(tn.ID)
		asg := f.assignment(tn.ID, u.ID, a.ID, a.AppRoles[0].ID)
		deleted(base)(u)
		f.write(func(tx directory.Tx) error { return tx.UpdateUser(f.ctx, u) })
		f.read(func(tx directory.Tx) error {
			list, err := tx.ListAppRoleAssignments(f.ctx, tn.ID, u.ID)
			wantNoErr(t, err)
			sameJSON(t, list, []*directory.AppRoleAssignment{asg})
			return nil
		})
	},
}

var roleTests = map[string]func(*testing.T, *fx){
	"AddListRemove": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u := f.user(tn.ID)
		f.write(func(tx directory.Tx) error {
			if err := tx.AddRole(f.ctx, tn.ID, u.ID, directory.RoleUserAdministrator); err != nil {
				return err
			}
			return tx.AddRole(f.ctx, tn.ID, u.ID, directory.RoleGlobalAdministrator)
		})
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListRoles(f.ctx, tn.ID, u.ID)
			wantNoErr(t, err)
			sameJSON(t, got, []directory.Role{directory.RoleGlobalAdministrator, directory.RoleUserAdministrator})
			return nil
		})
		f.write(func(tx directory.Tx) error {
			return tx.RemoveRole(f.ctx, tn.ID, u.ID, directory.RoleGlobalAdministrator)
		})
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListRoles(f.ctx, tn.ID, u.ID)
			wantNoErr(t, err)
			sameJSON(t, got, []directory.Role{directory.RoleUserAdministrator})
			return nil
		})
	},
	"RolesAfterGetUserSharedAreTheUsersAndFollowChanges": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u, other := f.user(tn.ID), f.user(tn.ID)
		f.write(func(tx directory.Tx) error {
			return errors.Join(tx.AddRole(f.ctx, tn.ID, u.ID, directory.RoleUserAdministrator),
				tx.AddRole(f.ctx, tn.ID, u.ID, directory.RoleGuestInviter),
				tx.AddRole(f.ctx, tn.ID, other.ID, directory.RoleGlobalAdministrator))
		})
		f.write(func(tx directory.Tx) error {
			if _, err := tx.GetUserShared(f.ctx, tn.ID, u.ID); err != nil {
				return err
			}
			got, err := tx.ListRoles(f.ctx, tn.ID, u.ID)
			wantNoErr(t, err)
			sameJSON(t, got, []directory.Role{directory.RoleGuestInviter, directory.RoleUserAdministrator})
			got, err = tx.ListRoles(f.ctx, tn.ID, other.ID)
			wantNoErr(t, err)
			sameJSON(t, got, []directory.Role{directory.RoleGlobalAdministrator})
			wantNoErr(t, tx.RemoveRole(f.ctx, tn.ID, u.ID, directory.RoleGuestInviter))
			got, err = tx.ListRoles(f.ctx, tn.ID, u.ID)
			wantNoErr(t, err)
			sameJSON(t, got, []directory.Role{directory.RoleUserAdministrator})
			if _, err := tx.GetUserShared(f.ctx, tn.ID, other.ID); err != nil {
				return err
			}
			wantNoErr(t, tx.RemoveRole(f.ctx, tn.ID, other.ID, directory.RoleGlobalAdministrator))
			got, err = tx.ListRoles(f.ctx, tn.ID, other.ID)
			wantNoErr(t, err)
			if len(got) != 0 {
				t.Fatalf("roles after removing the only one: %v", got)
			}
			return nil
		})
	},
	"AddingARoleTwiceIsConflictRemovingOneNotHeldIsNotFound": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u := f.user(tn.ID)
		f.write(func(tx directory.Tx) error { return tx.AddRole(f.ctx, tn.ID, u.ID, directory.RoleGuestInviter) })
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.AddRole(f.ctx, tn.ID, u.ID, directory.RoleGuestInviter) }), directory.KindConflict)
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.RemoveRole(f.ctx, tn.ID, u.ID, directory.RoleUserAdministrator) }), directory.KindNotFound)
		wantKind(t, f.tryWrite(func(tx directory.Tx) error {
			return tx.AddRole(f.ctx, tn.ID, directory.NewID(), directory.RoleGuestInviter)
		}), directory.KindNotFound)
	},
}
