package storetest

import (
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

var deleteUserTests = map[string]func(*testing.T, *fx){
	"LeavesNoRowOfTheUserAnywhere": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u, keep := f.user(tn.ID), f.user(tn.ID)
		g, app := f.group(tn.ID, "Sales"), f.app(tn.ID)
		var tokens, sessions [][]byte
		var invs []*directory.Invitation
		var asgs []*directory.AppRoleAssignment
		for _, x := range []*directory.User{u, keep} {
			f.write(func(tx directory.Tx) error {
				if err := tx.AddGroupMember(f.ctx, tn.ID, g.ID, x.ID); err != nil {
					return err
				}
				if err := tx.AddRole(f.ctx, tn.ID, x.ID, directory.RoleGuestInviter); err != nil {
					return err
				}
				return tx.SetPasswordHash(f.ctx, tn.ID, x.ID, "hash")
			})
			asgs = append(asgs, f.assignment(tn.ID, x.ID, app.ID, app.AppRoles[0].ID))
			invs = append(invs, f.invitation(tn.ID, x.ID))
			tokens = append(tokens, f.accessToken(tn.ID, x.ID).TokenHash)
			sessions = append(sessions, f.session(tn.ID, x.ID).TokenHash)
		}
		f.write(func(tx directory.Tx) error { return tx.DeleteUser(f.ctx, tn.ID, u.ID) })
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetUser(f.ctx, tn.ID, u.ID)
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetUserByUPN(f.ctx, tn.ID, u.UserPrincipalName)
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetPasswordHash(f.ctx, tn.ID, u.ID)
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetInvitation(f.ctx, tn.ID, invs[0].ID)
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetInvitationByTokenHash(f.ctx, invs[0].TokenHash)
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetAppRoleAssignment(f.ctx, tn.ID, asgs[0].ID)
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetAccessTokenByHash(f.ctx, tokens[0])
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetSessionByHash(f.ctx, sessions[0])
			wantKind(t, err, directory.KindNotFound)
			for name, n := range map[string]func() (int, error){
				"memberships": func() (int, error) { l, err := tx.ListMemberOf(f.ctx, tn.ID, u.ID); return len(l), err },
				"assignments": func() (int, error) { l, err := tx.ListAppRoleAssignments(f.ctx, tn.ID, u.ID); return len(l), err },
				"roles":       func() (int, error) { l, err := tx.ListRoles(f.ctx, tn.ID, u.ID); return len(l), err },
				"invitations": func() (int, error) { l, err := tx.ListInvitationsByUser(f.ctx, tn.ID, u.ID); return len(l), err },
				"deleted":     func() (int, error) { return tx.CountUsers(f.ctx, tn.ID, directory.UserQuery{Deleted: true}) },
			} {
				got, err := n()
				wantNoErr(t, err)
				if got != 0 {
					t.Errorf("%d %s of the deleted user remain", got, name)
				}
			}
			// The other user keeps everything.
			members, err := tx.ListGroupMembers(f.ctx, tn.ID, g.ID, directory.Page{})
			wantNoErr(t, err)
			sameIDs(t, userIDs(members), []string{keep.ID})
			_, err = tx.GetAppRoleAssignment(f.ctx, tn.ID, asgs[1].ID)
			wantNoErr(t, err)
			_, err = tx.GetInvitation(f.ctx, tn.ID, invs[1].ID)
			wantNoErr(t, err)
			_, err = tx.GetAccessTokenByHash(f.ctx, tokens[1])
			wantNoErr(t, err)
			_, err = tx.GetSessionByHash(f.ctx, sessions[1])
			wantNoErr(t, err)
			_, err = tx.GetPasswordHash(f.ctx, tn.ID, keep.ID)
			wantNoErr(t, err)
			return nil
		})
	},
	"ADeletedUsersUPNIsFreeForANewUser": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u := f.user(tn.ID)
		f.write(func(tx directory.Tx) error { return tx.DeleteUser(f.ctx, tn.ID, u.ID) })
		f.user(tn.ID, func(v *directory.User) { v.UserPrincipalName, v.Mail = u.UserPrincipalName, u.Mail })
	},
}

var purgeTests = map[string]func(*testing.T, *fx){
	"EarliestFirstUpToLimitIncludingPurgeAtEqualToNow": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		now := base.Add(40 * 24 * time.Hour)
		at := func(purge time.Time) func(*directory.User) {
			return func(u *directory.User) {
				d := purge.Add(-30 * 24 * time.Hour)
				u.DeletedAt, u.PurgeAt = &d, &purge
			}
		}
		third := f.user(a.ID, at(now))
		first := f.user(b.ID, at(now.Add(-2*time.Hour)))
		second := f.user(a.ID, at(now.Add(-time.Hour)))
		f.user(a.ID, at(now.Add(time.Microsecond)))
		f.user(b.ID) // live
		// A restored user keeps no purge time and is never purgeable.
		restored := f.user(a.ID, at(now.Add(-3*time.Hour)))
		restored.DeletedAt, restored.PurgeAt = nil, nil
		f.write(func(tx directory.Tx) error { return tx.UpdateUser(f.ctx, restored) })

		key := func(u *directory.User) directory.UserKey {
			return directory.UserKey{TenantID: u.TenantID, UserID: u.ID}
		}
		purgeable := func(now time.Time, limit int) []directory.UserKey {
			var got []directory.UserKey
			f.read(func(tx directory.Tx) error {
				users, err := tx.ClaimPurgeable(f.ctx, now, limit)
				got = userKeys(users)
				return err
			})
			return got
		}
		sameJSON(t, purgeable(now, 10), []directory.UserKey{key(first), key(second), key(third)})
		sameJSON(t, purgeable(now, 2), []directory.UserKey{key(first), key(second)})
		sameJSON(t, purgeable(now.Add(-time.Microsecond), 10), []directory.UserKey{key(first), key(second)})
		for _, zone := range []*time.Location{time.FixedZone("UTC+14", 14*3600), time.FixedZone("UTC-12", -12*3600)} {
			sameJSON(t, purgeable(now.In(zone), 10), []directory.UserKey{key(first), key(second), key(third)})
			sameJSON(t, purgeable(now.Add(-time.Microsecond).In(zone), 10), []directory.UserKey{key(first), key(second)})
		}
		f.read(func(tx directory.Tx) error {
			_, err := tx.ClaimPurgeable(f.ctx, now, 0)
			wantKind(t, err, directory.KindInvalid)
			return nil
		})
	},
	"AWriteSeesThePurgeableUsers": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u := f.user(tn.ID, deleted(base))
		f.write(func(tx directory.Tx) error {
			got, err := tx.ClaimPurgeable(f.ctx, *u.PurgeAt, 10)
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.User{u})
			return tx.DeleteUser(f.ctx, tn.ID, u.ID)
		})
		f.write(func(tx directory.Tx) error {
			got, err := tx.ClaimPurgeable(f.ctx, *u.PurgeAt, 10)
			wantNoErr(t, err)
			if len(got) != 0 {
				t.Fatalf("purged user still purgeable: %v", got)
			}
			return nil
		})
	},
}

func userKeys(users []*directory.User) []directory.UserKey {
	var out []directory.UserKey
	for _, u := range users {
		out = append(out, directory.UserKey{TenantID: u.TenantID, UserID: u.ID})
	}
	return out
}
