package storetest

import (
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

type cmpF = directory.Compare

func eq(p string, v any) directory.Filter { return cmpF{Property: p, Op: directory.OpEq, Value: v} }
func op(p string, o directory.CmpOp, v any) directory.Filter {
	return cmpF{Property: p, Op: o, Value: v}
}

var filterTests = map[string]func(*testing.T, *fx){
	"EveryUserPropertyAndOperatorSelectsTheRightUsers": func(t *testing.T, f *fx) {
		tn := f.tenant()
		changed := base
		// Users named by what distinguishes them.
		alice := f.user(tn.ID, func(u *directory.User) {
			u.DisplayName, u.UserPrincipalName, u.Mail = "Alice Adams", "alice@contoso.example", "alice@contoso.example"
			u.CreatedAt = base.Add(-48 * time.Hour)
		})
		bob := f.user(tn.ID, func(u *directory.User) {
			u.DisplayName, u.UserPrincipalName, u.Mail = "bob Brown", "bob@contoso.example", ""
			u.AccountEnabled = false
			u.CreatedAt = base.Add(-24 * time.Hour)
		})
		guest := f.user(tn.ID, func(u *directory.User) {
			u.DisplayName, u.UserPrincipalName, u.Mail = "Carol Guest", "carol_fabrikam.example#EXT#@contoso.example", "carol@fabrikam.example"
			u.UserType, u.CreationType = directory.Guest, directory.CreationTypeInvitation
			u.ExternalUserState, u.ExternalUserStateChangeDateTime = directory.PendingAcceptance, &changed
			u.CreatedAt = base
		})
		dave := f.user(tn.ID, func(u *directory.User) {
			u.DisplayName, u.UserPrincipalName, u.Mail = "Dave Guest", "dave_x.example#EXT#@contoso.example", "dave@x.example"
			u.UserType, u.CreationType = directory.Guest, directory.CreationTypeInvitation
			u.ExternalUserState, u.ExternalUserStateChangeDateTime = directory.Accepted, &changed
			u.CreatedAt = base.Add(24 * time.Hour)
		})
		all := []string{alice.ID, bob.ID, guest.ID, dave.ID}
		cases := []struct {
			name   string
			filter directory.Filter
			want   []string
		}{
			{"id eq", eq("id", bob.ID), []string{bob.ID}},
			{"id ne", op("id", directory.OpNe, bob.ID), []string{alice.ID, guest.ID, dave.ID}},
			{"displayName eq ignores case", eq("displayName", "ALICE ADAMS"), []string{alice.ID}},
			{"displayName startswith ignores case", op("displayName", directory.OpStartsWith, "B"), []string{bob.ID}},
			{"displayName ge", op("displayName", directory.OpGe, "c"), []string{guest.ID, dave.ID}},
			{"displayName gt", op("displayName", directory.OpGt, "Carol Guest"), []string{dave.ID}},
			{"displayName lt", op("displayName", directory.OpLt, "BOB BROWN"), []string{alice.ID}},
			{"displayName le", op("displayName", directory.OpLe, "BOB BROWN"), []string{alice.ID, bob.ID}},
			{"userPrincipalName eq", eq("userPrincipalName", "BOB@contoso.example"), []string{bob.ID}},
			{"userPrincipalName startswith takes _ literally", op("userPrincipalName", directory.OpStartsWith, "carol_"), []string{guest.ID}},
			{"mail eq", eq("mail", "dave@X.example"), []string{dave.ID}},
			{"mail eq null is an empty mail", eq("mail", nil), []string{bob.ID}},
			{"mail ne null", op("mail", directory.OpNe, nil), []string{alice.ID, guest.ID, dave.ID}},
			{"userType eq", eq("userType", "Guest"), []string{guest.ID, dave.ID}},
			{"accountEnabled eq false", eq("accountEnabled", false), []string{bob.ID}},
			{"accountEnabled ne false", op("accountEnabled", directory.OpNe, false), []string{alice.ID, guest.ID, dave.ID}},
			{"externalUserState eq", eq("externalUserState", "PendingAcceptance"), []string{guest.ID}},
			{"creationType eq", eq("creationType", "Invitation"), []string{guest.ID, dave.ID}},
			{"creationType eq null", eq("creationType", nil), []string{alice.ID, bob.ID}},
			{"createdDateTime eq", eq("createdDateTime", base), []string{guest.ID}},
			{"createdDateTime in another zone", eq("createdDateTime", base.In(time.FixedZone("X", -5*3600))), []string{guest.ID}},
			{"createdDateTime gt", op("createdDateTime", directory.OpGt, base), []string{dave.ID}},
			{"createdDateTime ge", op("createdDateTime", directory.OpGe, base), []string{guest.ID, dave.ID}},
			{"createdDateTime lt", op("createdDateTime", directory.OpLt, base), []string{alice.ID, bob.ID}},
			{"createdDateTime le", op("createdDateTime", directory.OpLe, base.Add(-24*time.Hour)), []string{alice.ID, bob.ID}},
			{"deletedDateTime eq null", eq("deletedDateTime", nil), all},
			{"and", directory.And{Left: eq("userType", "Guest"), Right: eq("externalUserState", "Accepted")}, []string{dave.ID}},
			{"or", directory.Or{Left: eq("id", alice.ID), Right: eq("accountEnabled", false)}, []string{alice.ID, bob.ID}},
			{"not", directory.Not{X: eq("userType", "Member")}, []string{guest.ID, dave.ID}},
			{"nested", directory.And{
				Left:  directory.Or{Left: eq("userType", "Member"), Right: eq("externalUserState", "Accepted")},
				Right: directory.Not{X: eq("accountEnabled", false)},
			}, []string{alice.ID, dave.ID}},
		}
		f.read(func(tx directory.Tx) error {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					got, err := tx.ListUsers(f.ctx, tn.ID, directory.UserQuery{Filter: c.filter})
					wantNoErr(t, err)
					sameIDs(t, sortedIDs(userIDs(got)), sortedIDs(c.want))
					n, err := tx.CountUsers(f.ctx, tn.ID, directory.UserQuery{Filter: c.filter})
					wantNoErr(t, err)
					if n != len(c.want) {
						t.Fatalf("CountUsers = %d, want %d", n, len(c.want))
					}
				})
			}
			return nil
		})
	},
	"SignInActivityComparesAndNullIsNever": func(t *testing.T, f *fx) {
		tn := f.tenant()
		early, late := base.Add(-90*24*time.Hour), base
		old := f.user(tn.ID, func(u *directory.User) { u.LastSignInAt = &early })
		recent := f.user(tn.ID, func(u *directory.User) { u.LastSignInAt, u.LastNonInteractiveSignInAt = &late, &late })
		never := f.user(tn.ID, func(*directory.User) {})
		const in, non = "signInActivity/lastSignInDateTime", "signInActivity/lastNonInteractiveSignInDateTime"
		cases := []struct {
			name   string
			filter directory.Filter
			want   []string
		}{
			{"le", op(in, directory.OpLe, early), []string{old.ID}},
			{"lt", op(in, directory.OpLt, late), []string{old.ID}},
			{"ge", op(in, directory.OpGe, early), []string{old.ID, recent.ID}},
			{"gt", op(in, directory.OpGt, early), []string{recent.ID}},
			{"eq", eq(in, late), []string{recent.ID}},
			{"eq null is never", eq(in, nil), []string{never.ID}},
			{"inactive: le or never", directory.Or{Left: op(in, directory.OpLe, early.Add(time.Hour)), Right: eq(in, nil)}, []string{old.ID, never.ID}},
			{"non-interactive ne null", op(non, directory.OpNe, nil), []string{recent.ID}},
		}
		f.read(func(tx directory.Tx) error {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					got, err := tx.ListUsers(f.ctx, tn.ID, directory.UserQuery{Filter: c.filter})
					wantNoErr(t, err)
					sameIDs(t, sortedIDs(userIDs(got)), sortedIDs(c.want))
				})
			}
			return nil
		})
	},
	"TouchSignInActivityMovesOnlyAStaleValue": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u := f.user(tn.ID, func(*directory.User) {})
		get := func() *directory.User {
			var got *directory.User
			f.read(func(tx directory.Tx) error {
				var err error
				got, err = tx.GetUser(f.ctx, tn.ID, u.ID)
				return err
			})
			return got
		}
		touch := func(interactive bool, at time.Time) {
			f.write(func(tx directory.Tx) error {
				return tx.TouchSignInActivity(f.ctx, tn.ID, u.ID, interactive, at)
			})
		}
		touch(true, base)
		touch(true, base.Add(59*time.Minute))
		if g := get(); g.LastSignInAt == nil || !g.LastSignInAt.Equal(base) || g.LastNonInteractiveSignInAt != nil {
			t.Fatalf("after two touches within the hour: %v, %v", g.LastSignInAt, g.LastNonInteractiveSignInAt)
		}
		touch(true, base.Add(time.Hour))
		touch(false, base.Add(time.Hour))
		if g := get(); !g.LastSignInAt.Equal(base.Add(time.Hour)) || g.LastNonInteractiveSignInAt == nil || !g.LastNonInteractiveSignInAt.Equal(base.Add(time.Hour)) {
			t.Fatalf("after the hour: %v, %v", g.LastSignInAt, g.LastNonInteractiveSignInAt)
		}
	},
	"DeletedDateTimeComparesDeletedUsers": func(t *testing.T, f *fx) {
		tn := f.tenant()
		early := f.user(tn.ID, deleted(base))
		late := f.user(tn.ID, deleted(base.Add(time.Hour)))
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListUsers(f.ctx, tn.ID, directory.UserQuery{Deleted: true, Filter: op("deletedDateTime", directory.OpGt, base)})
			wantNoErr(t, err)
			sameIDs(t, userIDs(got), []string{late.ID})
			got, err = tx.ListUsers(f.ctx, tn.ID, directory.UserQuery{Deleted: true, Filter: op("deletedDateTime", directory.OpLe, base)})
			wantNoErr(t, err)
			sameIDs(t, userIDs(got), []string{early.ID})
			return nil
		})
	},
	"BadFiltersAreInvalidAndNameTheProperty": func(t *testing.T, f *fx) {
		tn := f.tenant()
		cases := map[string]struct {
			filter directory.Filter
			field  string
		}{
			"unknown property":          {eq("jobTitle", "x"), "jobTitle"},
			"unknown inside and":        {directory.And{Left: eq("id", "x"), Right: eq("city", "x")}, "city"},
			"string given a bool":       {eq("displayName", true), "displayName"},
			"bool given a string":       {eq("accountEnabled", "true"), "accountEnabled"},
			"time given a string":       {eq("createdDateTime", "2026-01-01"), "createdDateTime"},
			"startswith on a time":      {op("createdDateTime", directory.OpStartsWith, base), "createdDateTime"},
			"gt on a bool":              {op("accountEnabled", directory.OpGt, true), "accountEnabled"},
			"unknown operator":          {op("displayName", "contains", "x"), "displayName"},
			"null with an order":        {op("mail", directory.OpGt, nil), "mail"},
			"bool compared to null":     {eq("accountEnabled", nil), "accountEnabled"},
			"number is no valid string": {eq("displayName", 42), "displayName"},
		}
		f.read(func(tx directory.Tx) error {
			for name, c := range cases {
				_, err := tx.ListUsers(f.ctx, tn.ID, directory.UserQuery{Filter: c.filter})
				wantKind(t, err, directory.KindInvalid)
				if e := directory.AsError(err); e.Field != c.field {
					t.Errorf("%s: error names field %q, want %q", name, e.Field, c.field)
				}
				_, err = tx.CountUsers(f.ctx, tn.ID, directory.UserQuery{Filter: c.filter})
				wantKind(t, err, directory.KindInvalid)
			}
			return nil
		})
	},
	"GroupFilterKnowsIDAndDisplayNameOnly": func(t *testing.T, f *fx) {
		tn := f.tenant()
		sales := f.group(tn.ID, "Sales")
		support := f.group(tn.ID, "support")
		f.group(tn.ID, "Marketing")
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListGroups(f.ctx, tn.ID, directory.GroupQuery{Filter: op("displayName", directory.OpStartsWith, "s")})
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.Group{sales, support})
			got, err = tx.ListGroups(f.ctx, tn.ID, directory.GroupQuery{Filter: eq("id", support.ID)})
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.Group{support})
			_, err = tx.ListGroups(f.ctx, tn.ID, directory.GroupQuery{Filter: eq("mail", "x")})
			wantKind(t, err, directory.KindInvalid)
			return nil
		})
	},
}
