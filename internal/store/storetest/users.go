package storetest

import (
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

var userTests = map[string]func(*testing.T, *fx){
	"CreateThenGetReturnsEveryField": func(t *testing.T, f *fx) {
		tn := f.tenant()
		changed := base.Add(time.Hour + 123*time.Microsecond)
		u := f.user(tn.ID, func(u *directory.User) {
			u.UserType = directory.Guest
			u.AccountEnabled = false
			u.CreationType = directory.CreationTypeInvitation
			u.ExternalUserState = directory.Accepted
			u.ExternalUserStateChangeDateTime = &changed
			u.Identities = []directory.ObjectIdentity{{SignInType: directory.SignInTypeEmailAddress, Issuer: directory.IssuerMail, IssuerAssignedID: "x@y.example"}}
			u.HomeEmailIdentityID = directory.NewID()
		})
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetUser(f.ctx, tn.ID, u.ID)
			wantNoErr(t, err)
			sameJSON(t, got, u)
			return nil
		})
	},
	"DeletedUserKeepsDeletedAndPurgeTimes": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u := f.user(tn.ID, deleted(base.Add(-time.Hour)))
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetUser(f.ctx, tn.ID, u.ID)
			wantNoErr(t, err)
			sameJSON(t, got, u)
			return nil
		})
	},
	"TimesInOtherZonesComeBackAsTheSameInstantInUTC": func(t *testing.T, f *fx) {
		tn := f.tenant()
		tokyo := time.FixedZone("JST", 9*3600)
		u := f.user(tn.ID, func(u *directory.User) { u.CreatedAt = base.In(tokyo) })
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetUser(f.ctx, tn.ID, u.ID)
			wantNoErr(t, err)
			if !got.CreatedAt.Equal(base) || got.CreatedAt.Location() != time.UTC {
				t.Fatalf("CreatedAt = %v, want %v in UTC", got.CreatedAt, base)
			}
			return nil
		})
	},
	"GetByUPNAndMailIgnoreCaseAndSeeLiveUsersOnly": func(t *testing.T, f *fx) {
		tn := f.tenant()
		live := f.user(tn.ID)
		gone := f.user(tn.ID, deleted(base))
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetUserByUPN(f.ctx, tn.ID, upper(live.UserPrincipalName))
			wantNoErr(t, err)
			sameIDs(t, []string{got.ID}, []string{live.ID})
			got, err = tx.GetUserByMail(f.ctx, tn.ID, upper(live.Mail))
			wantNoErr(t, err)
			sameIDs(t, []string{got.ID}, []string{live.ID})
			_, err = tx.GetUserByUPN(f.ctx, tn.ID, gone.UserPrincipalName)
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetUserByMail(f.ctx, tn.ID, gone.Mail)
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetUserByMail(f.ctx, tn.ID, "")
			wantKind(t, err, directory.KindNotFound)
			got, err = tx.GetUser(f.ctx, tn.ID, gone.ID)
			wantNoErr(t, err)
			if !got.Deleted() {
				t.Fatal("GetUser of a deleted user returned it as live")
			}
			return nil
		})
	},
	"UnknownIsNotFound": func(t *testing.T, f *fx) {
		tn := f.tenant()
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetUser(f.ctx, tn.ID, directory.NewID())
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetUserByUPN(f.ctx, tn.ID, "nobody@example.test")
			wantKind(t, err, directory.KindNotFound)
			return nil
		})
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.UpdateUser(f.ctx, f.newUser(tn.ID)) }), directory.KindNotFound)
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.DeleteUser(f.ctx, tn.ID, directory.NewID()) }), directory.KindNotFound)
	},
	"LiveUPNIsUniqueIgnoringCase": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u := f.user(tn.ID)
		err := f.tryWrite(func(tx directory.Tx) error {
			dup := f.newUser(tn.ID)
			dup.UserPrincipalName = upper(u.UserPrincipalName)
			return tx.CreateUser(f.ctx, dup)
		})
		wantKind(t, err, directory.KindConflict)
	},
	"LiveMailIsUniqueIgnoringCaseButEmptyMailsDoNotClash": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u := f.user(tn.ID)
		err := f.tryWrite(func(tx directory.Tx) error {
			dup := f.newUser(tn.ID)
			dup.Mail = upper(u.Mail)
			return tx.CreateUser(f.ctx, dup)
		})
		wantKind(t, err, directory.KindConflict)
		f.user(tn.ID, func(u *directory.User) { u.Mail = "" })
		f.user(tn.ID, func(u *directory.User) { u.Mail = "" })
	},
	"SignInSessionsValidFromIsKeptAndNeverMovedReadsZero": func(t *testing.T, f *fx) {
		tn := f.tenant()
		fresh := f.user(tn.ID)
		moved := f.user(tn.ID, func(u *directory.User) { u.SignInSessionsValidFrom = base.Add(time.Minute) })
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetUser(f.ctx, tn.ID, fresh.ID)
			wantNoErr(t, err)
			if !got.SignInSessionsValidFrom.IsZero() {
				t.Errorf("a user never revoked reads SignInSessionsValidFrom %v, want zero", got.SignInSessionsValidFrom)
			}
			got, err = tx.GetUser(f.ctx, tn.ID, moved.ID)
			wantNoErr(t, err)
			if !got.SignInSessionsValidFrom.Equal(base.Add(time.Minute)) {
				t.Errorf("SignInSessionsValidFrom = %v, want %v", got.SignInSessionsValidFrom, base.Add(time.Minute))
			}
			return nil
		})
	},
	"SameUPNInAnotherTenantIsAllowed": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		u := f.user(a.ID)
		f.user(b.ID, func(v *directory.User) { v.UserPrincipalName, v.Mail = u.UserPrincipalName, u.Mail })
	},
	"DeletedUsersUPNAndMailCanBeTakenAndRestoringThenClashes": func(t *testing.T, f *fx) {
		tn := f.tenant()
		old := f.user(tn.ID, deleted(base))
		f.user(tn.ID, func(u *directory.User) { u.UserPrincipalName, u.Mail = upper(old.UserPrincipalName), old.Mail })
		err := f.tryWrite(func(tx directory.Tx) error {
			old.DeletedAt, old.PurgeAt = nil, nil
			return tx.UpdateUser(f.ctx, old)
		})
		wantKind(t, err, directory.KindConflict)
	},
	"UpdateWritesEveryMutableField": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u := f.user(tn.ID)
		at := base.Add(2 * time.Hour)
		u.UserPrincipalName, u.Mail, u.DisplayName = "new@example.test", "new@mail.test", "New Name"
		u.UserType, u.AccountEnabled, u.CreationType = directory.Guest, false, directory.CreationTypeInvitation
		u.ExternalUserState, u.ExternalUserStateChangeDateTime = directory.PendingAcceptance, &at
		u.Identities = []directory.ObjectIdentity{{SignInType: directory.SignInTypeFederated, Issuer: "contoso.example", IssuerAssignedID: "abc"}}
		u.HomeUserID = directory.NewID()
		purge := at.Add(24 * time.Hour)
		u.DeletedAt, u.PurgeAt = &at, &purge
		u.SignInSessionsValidFrom = at.Add(time.Microsecond)
		f.write(func(tx directory.Tx) error { return tx.UpdateUser(f.ctx, u) })
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetUser(f.ctx, tn.ID, u.ID)
			wantNoErr(t, err)
			sameJSON(t, got, u)
			return nil
		})
	},
	"ListAndCountSeeLiveOrDeletedUsers": func(t *testing.T, f *fx) {
		tn := f.tenant()
		live1, live2 := f.user(tn.ID), f.user(tn.ID)
		gone := f.user(tn.ID, deleted(base))
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListUsers(f.ctx, tn.ID, directory.UserQuery{})
			wantNoErr(t, err)
			sameIDs(t, sortedIDs(userIDs(got)), sortedIDs([]string{live1.ID, live2.ID}))
			n, err := tx.CountUsers(f.ctx, tn.ID, directory.UserQuery{})
			wantNoErr(t, err)
			if n != 2 {
				t.Fatalf("CountUsers(live) = %d, want 2", n)
			}
			got, err = tx.ListUsers(f.ctx, tn.ID, directory.UserQuery{Deleted: true})
			wantNoErr(t, err)
			sameIDs(t, userIDs(got), []string{gone.ID})
			n, err = tx.CountUsers(f.ctx, tn.ID, directory.UserQuery{Deleted: true})
			wantNoErr(t, err)
			if n != 1 {
				t.Fatalf("CountUsers(deleted) = %d, want 1", n)
			}
			return nil
		})
	},
	"SearchMatchesPartOfNameMailOrUPNIgnoringCase": func(t *testing.T, f *fx) {
		tn := f.tenant()
		byName := f.user(tn.ID, func(u *directory.User) { u.DisplayName = "Adele Vance" })
		byMail := f.user(tn.ID, func(u *directory.User) { u.Mail = "zvance@mail.test" })
		byUPN := f.user(tn.ID, func(u *directory.User) { u.UserPrincipalName = "avance@example.test" })
		f.user(tn.ID, func(u *directory.User) { u.DisplayName = "Alex Wilber" })
		f.user(tn.ID, deleted(base), func(u *directory.User) { u.DisplayName = "Deleted Vance" })
		f.read(func(tx directory.Tx) error {
			q := directory.UserQuery{Search: "VANCE"}
			got, err := tx.ListUsers(f.ctx, tn.ID, q)
			wantNoErr(t, err)
			sameIDs(t, sortedIDs(userIDs(got)), sortedIDs([]string{byName.ID, byMail.ID, byUPN.ID}))
			n, err := tx.CountUsers(f.ctx, tn.ID, q)
			wantNoErr(t, err)
			if n != 3 {
				t.Fatalf("CountUsers(search) = %d, want 3", n)
			}
			return nil
		})
	},
	"SearchInOnePropertyLooksNowhereElse": func(t *testing.T, f *fx) {
		tn := f.tenant()
		byName := f.user(tn.ID, func(u *directory.User) { u.DisplayName = "Adele Vance" })
		byMail := f.user(tn.ID, func(u *directory.User) { u.Mail = "zvance@mail.test" })
		byUPN := f.user(tn.ID, func(u *directory.User) { u.UserPrincipalName = "avance@example.test" })
		f.read(func(tx directory.Tx) error {
			for in, want := range map[string]string{"displayName": byName.ID, "mail": byMail.ID, "userPrincipalName": byUPN.ID} {
				q := directory.UserQuery{Search: "VANCE", SearchIn: in}
				got, err := tx.ListUsers(f.ctx, tn.ID, q)
				wantNoErr(t, err)
				sameIDs(t, userIDs(got), []string{want})
				n, err := tx.CountUsers(f.ctx, tn.ID, q)
				wantNoErr(t, err)
				if n != 1 {
					t.Fatalf("CountUsers(search in %s) = %d, want 1", in, n)
				}
			}
			_, err := tx.ListUsers(f.ctx, tn.ID, directory.UserQuery{Search: "vance", SearchIn: "jobTitle"})
			wantKind(t, err, directory.KindInvalid)
			return nil
		})
	},
	"SearchTreatsWildcardsLiterally": func(t *testing.T, f *fx) {
		tn := f.tenant()
		pct := f.user(tn.ID, func(u *directory.User) { u.DisplayName = "100% sure" })
		und := f.user(tn.ID, func(u *directory.User) { u.DisplayName = "snake_case" })
		bsl := f.user(tn.ID, func(u *directory.User) { u.DisplayName = `back\slash` })
		f.user(tn.ID, func(u *directory.User) { u.DisplayName = "1000 sure snakeXcase backslash" })
		f.read(func(tx directory.Tx) error {
			for search, want := range map[string]string{"0%": pct.ID, "e_c": und.ID, `k\s`: bsl.ID} {
				got, err := tx.ListUsers(f.ctx, tn.ID, directory.UserQuery{Search: search})
				wantNoErr(t, err)
				sameIDs(t, userIDs(got), []string{want})
			}
			return nil
		})
	},
	"LimitOutOfRangeIsInvalid": func(t *testing.T, f *fx) {
		tn := f.tenant()
		f.read(func(tx directory.Tx) error {
			for _, limit := range []int{-1, directory.MaxPageSize + 1} {
				_, err := tx.ListUsers(f.ctx, tn.ID, directory.UserQuery{Limit: limit})
				wantKind(t, err, directory.KindInvalid)
			}
			_, err := tx.ListUsers(f.ctx, tn.ID, directory.UserQuery{OrderBy: "mail"})
			wantKind(t, err, directory.KindInvalid)
			return nil
		})
	},
	"ListUsersByHomeFindsGuestAccountsInEveryTenant": func(t *testing.T, f *fx) {
		home, a, b := f.tenant(), f.tenant(), f.tenant()
		person := f.user(home.ID)
		identity := directory.NewID()
		inA := f.user(a.ID, func(u *directory.User) { u.HomeUserID = person.ID })
		inB := f.user(b.ID, deleted(base), func(u *directory.User) { u.HomeUserID = person.ID })
		byMail := f.user(b.ID, func(u *directory.User) { u.HomeEmailIdentityID = identity })
		f.user(a.ID)
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListUsersByHome(f.ctx, person.ID, "")
			wantNoErr(t, err)
			sameIDs(t, sortedIDs(userIDs(got)), sortedIDs([]string{inA.ID, inB.ID}))
			got, err = tx.ListUsersByHome(f.ctx, "", identity)
			wantNoErr(t, err)
			sameIDs(t, userIDs(got), []string{byMail.ID})
			_, err = tx.ListUsersByHome(f.ctx, "", "")
			wantKind(t, err, directory.KindInvalid)
			_, err = tx.ListUsersByHome(f.ctx, person.ID, identity)
			wantKind(t, err, directory.KindInvalid)
			return nil
		})
	},
}

func sortedIDs(ids []string) []string {
	out := append([]string(nil), ids...)
	sortStrings(out)
	return out
}
