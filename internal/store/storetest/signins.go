package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// signIn returns an unsaved record of u (nil: an unknown name) in tenantID
// at at with the error code.
func signIn(tenantID string, u *directory.User, at time.Time, code int) *directory.SignInEvent {
	e := &directory.SignInEvent{
		ID: directory.NewID(), TenantID: tenantID, Time: at, UserPrincipalName: "nobody@example.test",
		AppDisplayName: directory.PortalAppName, ClientAddr: "192.0.2.7", Method: directory.MethodPassword,
		Interactive: true, ErrorCode: code, CorrelationID: directory.NewID(),
	}
	if code != 0 {
		e.FailureReason = "wrong password"
	}
	if u != nil {
		e.UserID, e.UserDisplayName, e.UserPrincipalName, e.UserType = u.ID, u.DisplayName, u.UserPrincipalName, u.UserType
	}
	return e
}

func (f *fx) appendSignIns(es ...*directory.SignInEvent) {
	f.t.Helper()
	f.write(func(tx directory.Tx) error {
		for _, e := range es {
			if err := tx.AppendSignIn(f.ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

func (f *fx) listSignIns(tenantID string, q directory.SignInQuery) []*directory.SignInEvent {
	f.t.Helper()
	var out []*directory.SignInEvent
	f.read(func(tx directory.Tx) error {
		var err error
		out, err = tx.ListSignIns(f.ctx, tenantID, q)
		return err
	})
	return out
}

func signInIDs(es []*directory.SignInEvent) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

var signInTests = map[string]func(*testing.T, *fx){
	"AppendThenGetKeepsEveryField": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u := f.user(tn.ID)
		e := signIn(tn.ID, u, base, directory.SignInAccountDisabled)
		e.HomeTenantID, e.AppID, e.AppDisplayName, e.Method, e.Interactive = directory.NewID(), directory.NewID(), "Notebook", directory.MethodSession, false
		f.appendSignIns(e)
		var got *directory.SignInEvent
		f.read(func(tx directory.Tx) error {
			var err error
			got, err = tx.GetSignIn(f.ctx, tn.ID, e.ID)
			return err
		})
		if !reflect.DeepEqual(got, e) {
			t.Errorf("got %+v\nwant %+v", got, e)
		}
		unknown := signIn(tn.ID, nil, base, directory.SignInUnknownUser)
		f.appendSignIns(unknown)
		f.read(func(tx directory.Tx) error {
			var err error
			got, err = tx.GetSignIn(f.ctx, tn.ID, unknown.ID)
			return err
		})
		if !reflect.DeepEqual(got, unknown) {
			t.Errorf("unknown user: got %+v\nwant %+v", got, unknown)
		}
	},
	"OtherTenantsRecordIsNotFound": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		e := signIn(a.ID, nil, base, 0)
		f.appendSignIns(e)
		err := f.s.Read(f.ctx, func(tx directory.Tx) error {
			_, err := tx.GetSignIn(f.ctx, b.ID, e.ID)
			return err
		})
		wantKind(t, err, directory.KindNotFound)
		if got := f.listSignIns(b.ID, directory.SignInQuery{}); len(got) != 0 {
			t.Errorf("tenant b lists %d records of tenant a", len(got))
		}
	},
	"ARecordOfAnotherTenantsUserIsRefused": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		u := f.user(a.ID)
		err := f.tryWrite(func(tx directory.Tx) error { return tx.AppendSignIn(f.ctx, signIn(b.ID, u, base, 0)) })
		wantKind(t, err, directory.KindNotFound)
	},
	"ListsNewestFirstFilteredAndPaged": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u, v := f.user(tn.ID), f.user(tn.ID)
		e1 := signIn(tn.ID, u, base, 0)
		e2 := signIn(tn.ID, v, base.Add(time.Minute), directory.SignInWrongPassword)
		e3 := signIn(tn.ID, u, base.Add(2*time.Minute), directory.SignInWrongPassword)
		e4 := signIn(tn.ID, nil, base.Add(3*time.Minute), directory.SignInUnknownUser)
		f.appendSignIns(e1, e2, e3, e4)
		if got, want := signInIDs(f.listSignIns(tn.ID, directory.SignInQuery{})), signInIDs([]*directory.SignInEvent{e4, e3, e2, e1}); !reflect.DeepEqual(got, want) {
			t.Errorf("all: %v, want %v", got, want)
		}
		code := directory.Compare{Property: "status/errorCode", Op: directory.OpEq, Value: int64(directory.SignInWrongPassword)}
		if got, want := signInIDs(f.listSignIns(tn.ID, directory.SignInQuery{Filter: code})), signInIDs([]*directory.SignInEvent{e3, e2}); !reflect.DeepEqual(got, want) {
			t.Errorf("errorCode eq 50126: %v, want %v", got, want)
		}
		failed := directory.Compare{Property: "status/errorCode", Op: directory.OpNe, Value: int64(0)}
		byUser := directory.And{Left: failed, Right: directory.Compare{Property: "userId", Op: directory.OpEq, Value: u.ID}}
		if got, want := signInIDs(f.listSignIns(tn.ID, directory.SignInQuery{Filter: byUser})), signInIDs([]*directory.SignInEvent{e3}); !reflect.DeepEqual(got, want) {
			t.Errorf("failures of u: %v, want %v", got, want)
		}
		noUser := directory.Compare{Property: "userId", Op: directory.OpEq, Value: nil}
		if got, want := signInIDs(f.listSignIns(tn.ID, directory.SignInQuery{Filter: noUser})), signInIDs([]*directory.SignInEvent{e4}); !reflect.DeepEqual(got, want) {
			t.Errorf("userId eq null: %v, want %v", got, want)
		}
		since := directory.Compare{Property: "createdDateTime", Op: directory.OpGe, Value: base.Add(2 * time.Minute)}
		if got, want := signInIDs(f.listSignIns(tn.ID, directory.SignInQuery{Filter: since})), signInIDs([]*directory.SignInEvent{e4, e3}); !reflect.DeepEqual(got, want) {
			t.Errorf("createdDateTime ge: %v, want %v", got, want)
		}
		page := f.listSignIns(tn.ID, directory.SignInQuery{Limit: 2})
		next := f.listSignIns(tn.ID, directory.SignInQuery{Limit: 2, After: page[1]})
		if got, want := signInIDs(append(page, next...)), signInIDs([]*directory.SignInEvent{e4, e3, e2, e1}); !reflect.DeepEqual(got, want) {
			t.Errorf("two pages: %v, want %v", got, want)
		}
	},
	"ErasingTheUserErasesItsRecords": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u, v := f.user(tn.ID), f.user(tn.ID)
		mine, theirs := signIn(tn.ID, u, base, 0), signIn(tn.ID, v, base, 0)
		f.appendSignIns(mine, theirs)
		f.write(func(tx directory.Tx) error { return tx.DeleteUser(f.ctx, tn.ID, u.ID) })
		if got, want := signInIDs(f.listSignIns(tn.ID, directory.SignInQuery{})), []string{theirs.ID}; !reflect.DeepEqual(got, want) {
			t.Errorf("after erasing u: %v, want %v", got, want)
		}
		var left []*directory.SignInEvent
		f.read(func(tx directory.Tx) error {
			var err error
			left, err = tx.ListUserSignIns(f.ctx, tn.ID, u.ID)
			return err
		})
		if len(left) != 0 {
			t.Errorf("ListUserSignIns of the erased user: %d records", len(left))
		}
	},
	"CountsByHourAndExpiresOldest": func(t *testing.T, f *fx) {
		tn, other := f.tenant(), f.tenant()
		hour := base.Truncate(time.Hour)
		f.appendSignIns(
			signIn(tn.ID, nil, hour.Add(-25*time.Hour), 0), // before since: not counted
			signIn(tn.ID, nil, hour.Add(-2*time.Hour+time.Minute), 0),
			signIn(tn.ID, nil, hour.Add(-2*time.Hour+59*time.Minute), directory.SignInWrongPassword),
			signIn(tn.ID, nil, hour.Add(5*time.Minute), directory.SignInLocked),
			signIn(tn.ID, nil, hour.Add(6*time.Minute), directory.SignInLocked),
			signIn(other.ID, nil, hour, 0),
		)
		var got []directory.SignInHour
		f.read(func(tx directory.Tx) error {
			var err error
			got, err = tx.CountSignInsByHour(f.ctx, tn.ID, hour.Add(-24*time.Hour))
			return err
		})
		want := []directory.SignInHour{
			{Hour: hour.Add(-2 * time.Hour), Succeeded: 1, Failed: 1},
			{Hour: hour, Succeeded: 0, Failed: 2},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("by hour: %+v, want %+v", got, want)
		}
		var n int
		f.write(func(tx directory.Tx) error {
			var err error
			n, err = tx.DeleteSignInsBefore(f.ctx, hour.Add(-time.Hour), 2)
			return err
		})
		if n != 2 {
			t.Errorf("expired %d records, want 2 (the limit)", n)
		}
		f.write(func(tx directory.Tx) error {
			var err error
			n, err = tx.DeleteSignInsBefore(f.ctx, hour.Add(-time.Hour), 2)
			return err
		})
		if n != 1 {
			t.Errorf("then %d, want the 1 left before the hour", n)
		}
		if left := f.listSignIns(tn.ID, directory.SignInQuery{}); len(left) != 2 {
			t.Errorf("%d records left in the tenant, want the 2 of this hour", len(left))
		}
	},
	"NextPurgeAtIsTheEarliestOfTheTenant": func(t *testing.T, f *fx) {
		tn, other := f.tenant(), f.tenant()
		next := func(tenantID string) *time.Time {
			var at *time.Time
			f.read(func(tx directory.Tx) error {
				var err error
				at, err = tx.NextPurgeAt(f.ctx, tenantID)
				return err
			})
			return at
		}
		f.user(tn.ID)
		if at := next(tn.ID); at != nil {
			t.Errorf("no deleted user: %v, want nil", at)
		}
		f.user(tn.ID, deleted(base.Add(2*time.Hour)))
		f.user(tn.ID, deleted(base.Add(time.Hour)))
		f.user(other.ID, deleted(base))
		if at, want := next(tn.ID), base.Add(time.Hour+30*24*time.Hour); at == nil || !at.Equal(want) {
			t.Errorf("next purge %v, want %v", at, want)
		}
	},
}
