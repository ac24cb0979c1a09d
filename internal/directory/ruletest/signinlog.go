package ruletest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// signIns returns the tenant's sign-in records, newest first, as its admin
// reads them.
func (w *world) signIns(t *directory.Tenant) []*directory.SignInEvent {
	w.t.Helper()
	return must(w.svc.ListSignIns(w.as(w.adminOf(t)), t.ID, directory.SignInQuery{Limit: directory.MaxPageSize}))(w.t)
}

// later moves the clock on a little, so that the next record is the newest
// (records of one instant have no order).
func (w *world) later() { w.clock.Advance(time.Millisecond) }

// lastSignIn returns the tenant's newest record, failing when there is none.
func (w *world) lastSignIn(t *directory.Tenant) *directory.SignInEvent {
	w.t.Helper()
	all := w.signIns(t)
	if len(all) == 0 {
		w.t.Fatalf("%s has no sign-in record", t.DisplayName)
	}
	return all[0]
}

// wantRecord fails unless e is about u (nil: nobody) with code.
func wantRecord(t *testing.T, e *directory.SignInEvent, u *directory.User, code int, method string) {
	t.Helper()
	if e.ErrorCode != code || e.Method != method {
		t.Errorf("record %+v: code %d method %q, want %d %q", e, e.ErrorCode, e.Method, code, method)
	}
	if u != nil && (e.UserID != u.ID || e.UserPrincipalName != u.UserPrincipalName || e.TenantID != u.TenantID) {
		t.Errorf("record %+v is not about %s", e, u.UserPrincipalName)
	}
	if u == nil && e.UserID != "" {
		t.Errorf("record %+v names a user, want none", e)
	}
	if code != directory.SignInSucceeded && e.FailureReason == "" {
		t.Errorf("failed record %+v has no reason", e)
	}
}

func testSignInLog(t *testing.T, ns NewStore) {
	t.Run("PasswordSignInsWithTheirReasons", func(t *testing.T) {
		w := newWorld(t, ns)
		bob := w.member(w.contoso, "bob", "Bob")
		ok(t, w.svc.SetPassword(w.sys, w.contoso.ID, bob.ID, thePassword))
		ctx := directory.WithCorrelationID(context.Background(), "req-7")
		w.later()
		_, err := w.svc.SignInWithPassword(ctx, bob.UserPrincipalName, thePassword, ownerAddr)
		ok(t, err)
		e := w.lastSignIn(w.contoso)
		wantRecord(t, e, bob, directory.SignInSucceeded, directory.MethodPassword)
		if e.ClientAddr != ownerAddr || e.CorrelationID != "req-7" || !e.Interactive || !e.Time.Equal(w.clock.Now().UTC().Truncate(time.Microsecond)) ||
			e.AppDisplayName != directory.PortalAppName || e.UserType != directory.Member {
			t.Errorf("success record = %+v", e)
		}

		// The person is told only that the name or password is wrong; the
		// record says which.
		w.later()
		err = signIn(w.svc, bob.UserPrincipalName, "wrong", ownerAddr)
		wantKind(t, err, directory.KindUnauthenticated)
		wantRecord(t, w.lastSignIn(w.contoso), bob, directory.SignInWrongPassword, directory.MethodPassword)
		if strings.Contains(err.Error(), "wrong password") {
			t.Errorf("the person is told the reason: %q", err)
		}
		w.later()
		unknownErr := signIn(w.svc, "nobody@"+w.contoso.InitialDomain, "x", ownerAddr)
		if unknownErr.Error() != err.Error() {
			t.Errorf("unknown user answers %q, wrong password %q: they tell users apart", unknownErr, err)
		}
		e = w.lastSignIn(w.contoso)
		wantRecord(t, e, nil, directory.SignInUnknownUser, directory.MethodPassword)
		if e.UserPrincipalName != "nobody@"+w.contoso.InitialDomain {
			t.Errorf("unknown user's record keeps %q, want the name typed", e.UserPrincipalName)
		}

		w.disable(bob)
		w.later()
		wantKind(t, signIn(w.svc, bob.UserPrincipalName, thePassword, ownerAddr), directory.KindAccountDisabled)
		wantRecord(t, w.lastSignIn(w.contoso), bob, directory.SignInAccountDisabled, directory.MethodPassword)

		ok(t, w.svc.DeleteUser(w.as(w.contosoAdmin), w.contoso.ID, bob.ID))
		w.later()
		wantKind(t, signIn(w.svc, bob.UserPrincipalName, thePassword, ownerAddr), directory.KindUnauthenticated)
		e = w.lastSignIn(w.contoso)
		wantRecord(t, e, bob, directory.SignInUnknownUser, directory.MethodPassword)
		if e.FailureReason != "the user is deleted" {
			t.Errorf("deleted user's reason %q", e.FailureReason)
		}

		// A domain no tenant has is recorded nowhere (there is no one to
		// show it to); Fabrikam sees nothing of Contoso's.
		before := len(w.signIns(w.contoso)) + len(w.signIns(w.fabrikam))
		w.later()
		wantKind(t, signIn(w.svc, "x@nowhere.example", "x", ownerAddr), directory.KindUnauthenticated)
		if after := len(w.signIns(w.contoso)) + len(w.signIns(w.fabrikam)); after != before {
			t.Errorf("a sign-in at an unknown domain left %d records", after-before)
		}
		for _, e := range w.signIns(w.fabrikam) {
			if e.TenantID != w.fabrikam.ID {
				t.Errorf("Fabrikam lists a record of another tenant: %+v", e)
			}
		}
	})

	t.Run("ThrottledAttemptsAreRecordedAsLocked", func(t *testing.T) {
		w := newWorld(t, ns)
		ok(t, w.svc.SetPassword(w.sys, w.fabrikam.ID, w.ada.ID, thePassword))
		var err error
		for range directory.SignInFreeFailures + 1 {
			w.later()
			err = signIn(w.svc, w.ada.UserPrincipalName, "guess", attackerAddr)
		}
		wantKind(t, err, directory.KindRateLimited)
		e := w.lastSignIn(w.fabrikam)
		wantRecord(t, e, w.ada, directory.SignInLocked, directory.MethodPassword)
		if e.ClientAddr != attackerAddr {
			t.Errorf("locked record's address %q", e.ClientAddr)
		}
	})

	t.Run("GuestEnteringATenantIsRecordedThere", func(t *testing.T) {
		w := newWorld(t, ns)
		_, sess := mustPair(w.svc.StartSession(w.as(w.ada)))(t)
		w.later()
		ok(t, w.svc.AddSessionTenant(w.as(w.ada), sess, w.contoso.ID))
		e := w.lastSignIn(w.contoso)
		wantRecord(t, e, w.adaGuest, directory.SignInSucceeded, directory.MethodSession)
		if e.HomeTenantID != w.fabrikam.ID || e.UserType != directory.Guest {
			t.Errorf("guest record = %+v, want Fabrikam as home", e)
		}

		w.disable(w.adaGuest)
		w.later()
		wantKind(t, w.svc.AddSessionTenant(w.as(w.ada), sess, w.contoso.ID), directory.KindAccountDisabled)
		wantRecord(t, w.lastSignIn(w.contoso), w.adaGuest, directory.SignInAccountDisabled, directory.MethodSession)

		on := true
		must(w.svc.UpdateUser(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID, directory.UserPatch{AccountEnabled: &on}))(t)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		w.later()
		wantKind(t, w.svc.AddSessionTenant(w.as(w.ada), sess, w.contoso.ID), directory.KindNotFound)
		e = w.lastSignIn(w.contoso)
		wantRecord(t, e, w.adaGuest, directory.SignInNotInTenant, directory.MethodSession)
		if !strings.Contains(e.FailureReason, "deleted") {
			t.Errorf("left guest's reason %q", e.FailureReason)
		}
	})

	t.Run("RefusedTokenUsesAreRecorded", func(t *testing.T) {
		w := newWorld(t, ns)
		c := w.issue(w.adaGuest)
		w.later()
		if !w.tokenWorks(c.token) {
			t.Fatal("a fresh token does not work")
		}
		if n := len(w.signIns(w.contoso)); n != 0 {
			t.Errorf("a token that works left %d records (only refusals are)", n)
		}
		ok(t, w.svc.RevokeSignInSessions(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID))
		w.later()
		if w.tokenWorks(c.token) {
			t.Fatal("the token works after revokeSignInSessions")
		}
		e := w.lastSignIn(w.contoso)
		wantRecord(t, e, w.adaGuest, directory.SignInSessionsRevoked, directory.MethodToken)
		if e.Interactive {
			t.Error("a token use is recorded as interactive")
		}
		c = w.issue(w.adaGuest)
		ok(t, w.svc.RevokeAccessToken(w.sys, c.token))
		w.later()
		w.tokenWorks(c.token)
		wantRecord(t, w.lastSignIn(w.contoso), w.adaGuest, directory.SignInTokenRevoked, directory.MethodToken)

		// At home: the guest's home account disabled ends the token, and
		// Contoso's log says why.
		c = w.issue(w.adaGuest)
		w.disable(w.ada)
		w.later()
		w.tokenWorks(c.token)
		e = w.lastSignIn(w.contoso)
		wantRecord(t, e, w.adaGuest, directory.SignInAccountDisabled, directory.MethodToken)
		if !strings.Contains(e.FailureReason, "home account") {
			t.Errorf("reason %q does not say it is the home account", e.FailureReason)
		}
	})

	t.Run("OnlyAdminsReadTheLog", func(t *testing.T) {
		w := newWorld(t, ns)
		w.later()
		signIn(w.svc, "nobody@"+w.contoso.InitialDomain, "x", ownerAddr)
		e := w.lastSignIn(w.contoso)
		member := w.member(w.contoso, "mo", "Mo")
		for name, ctx := range map[string]context.Context{"member": w.as(member), "guest": w.as(w.adaGuest), "other admin": w.as(w.fabrikamAdmin)} {
			if _, err := w.svc.ListSignIns(ctx, w.contoso.ID, directory.SignInQuery{}); err == nil {
				t.Errorf("%s lists Contoso's sign-ins", name)
			}
			if _, err := w.svc.GetSignIn(ctx, w.contoso.ID, e.ID); err == nil {
				t.Errorf("%s reads a Contoso sign-in", name)
			}
			if _, err := w.svc.SignInActivity(ctx, w.contoso.ID); err == nil {
				t.Errorf("%s reads Contoso's sign-in chart", name)
			}
			if _, err := w.svc.Overview(ctx, w.contoso.ID); err == nil {
				t.Errorf("%s reads Contoso's overview", name)
			}
		}
		wantKind(t, errOnly(w.svc.GetSignIn(w.as(w.fabrikamAdmin), w.fabrikam.ID, e.ID)), directory.KindNotFound)
		got := must(w.svc.GetSignIn(w.as(w.contosoAdmin), w.contoso.ID, e.ID))(t)
		if got.ID != e.ID {
			t.Errorf("GetSignIn returned %+v", got)
		}
	})

	t.Run("ErasedWithThePersonAndExpiredAfterRetention", func(t *testing.T) {
		w := newWorld(t, ns)
		c := w.issue(w.adaGuest)
		ok(t, w.svc.RevokeAccessToken(w.sys, c.token))
		w.later()
		w.tokenWorks(c.token)
		w.later()
		signIn(w.svc, "nobody@"+w.contoso.InitialDomain, "x", ownerAddr)
		if n := len(w.signIns(w.contoso)); n != 2 {
			t.Fatalf("%d records, want 2", n)
		}
		ok(t, w.svc.DeleteUser(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID))
		ok(t, w.svc.PermanentlyDeleteUser(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID))
		left := w.signIns(w.contoso)
		if len(left) != 1 || left[0].UserID != "" {
			t.Fatalf("after Ada's guest is erased: %+v, want only the unknown name's record", left)
		}

		w.clock.Advance(directory.DefaultSignInLogRetention - time.Second)
		if n := must(w.svc.ExpireSignIns(w.sys))(t); n != 0 {
			t.Errorf("expired %d records before the retention ended", n)
		}
		w.clock.Advance(2 * time.Second)
		wantKind(t, errOnly(w.svc.ExpireSignIns(w.as(w.contosoAdmin))), directory.KindForbidden)
		if n := must(w.svc.ExpireSignIns(w.sys))(t); n != 1 {
			t.Errorf("expired %d records after the retention, want 1", n)
		}
		if n := len(w.signIns(w.contoso)); n != 0 {
			t.Errorf("%d records left", n)
		}
	})

	t.Run("ChartCountsHoursOfTheLastWeek", func(t *testing.T) {
		w := newWorld(t, ns)
		fail := func() { w.later(); signIn(w.svc, "nobody@"+w.contoso.InitialDomain, "x", ownerAddr) }
		w.later()
		fail() // eight days ago by the end: outside the chart
		w.clock.Advance(8 * 24 * time.Hour)
		w.later()
		fail()
		w.later()
		fail()
		w.clock.Advance(time.Hour)
		bob := w.member(w.contoso, "bob", "Bob")
		ok(t, w.svc.SetPassword(w.sys, w.contoso.ID, bob.ID, thePassword))
		w.later()
		ok(t, signIn(w.svc, bob.UserPrincipalName, thePassword, ownerAddr))
		hours := must(w.svc.SignInActivity(w.as(w.contosoAdmin), w.contoso.ID))(t)
		if len(hours) != directory.SignInChartHours {
			t.Fatalf("%d hours, want %d", len(hours), directory.SignInChartHours)
		}
		now := w.clock.Now().UTC().Truncate(time.Hour)
		last, prev := hours[len(hours)-1], hours[len(hours)-2]
		if !last.Hour.Equal(now) || last.Succeeded != 1 || last.Failed != 0 {
			t.Errorf("this hour = %+v, want 1 success at %v", last, now)
		}
		if prev.Succeeded != 0 || prev.Failed != 2 {
			t.Errorf("the hour before = %+v, want 2 failures", prev)
		}
		total := 0
		for _, h := range hours {
			total += h.Succeeded + h.Failed
		}
		if total != 3 {
			t.Errorf("the chart counts %d sign-ins, want the 3 of the last week", total)
		}
	})

	t.Run("OverviewCountsWhatAnAdminChecksFirst", func(t *testing.T) {
		w := newWorld(t, ns)
		w.invite(w.contoso, "pending@elsewhere.example")
		bob := w.member(w.contoso, "bob", "Bob")
		ok(t, w.svc.DeleteUser(w.as(w.contosoAdmin), w.contoso.ID, bob.ID))
		v := must(w.svc.Overview(w.as(w.contosoAdmin), w.contoso.ID))(t)
		// Members: the admin (Bob is deleted); guests: Ada and the pending one.
		want := directory.TenantOverview{Members: 1, Guests: 2, PendingInvitations: 1, Deleted: 1}
		purge := w.clock.Now().UTC().Truncate(time.Microsecond).Add(directory.DefaultRetentionDays * 24 * time.Hour)
		if v.NextPurge == nil || !v.NextPurge.Equal(purge) {
			t.Errorf("next purge %v, want %v", v.NextPurge, purge)
		}
		v.NextPurge = nil
		if v != want {
			t.Errorf("overview %+v, want %+v", v, want)
		}
	})
	t.Run("WrongPasscodeIsRecordedWhereTheAddressIsAGuest", func(t *testing.T) {
		w := newWorld(t, ns)
		mb := &mailbox{}
		guest, _ := w.emailGuest(w.contoso, "eve@example.net")
		ok(t, w.svc.SendPasscode(context.Background(), "eve@example.net", ownerAddr, mb.mail()))
		w.later()
		wantKind(t, w.svc.VerifyPasscode(context.Background(), "eve@example.net", wrongCode(mb.lastCode(t, "eve@example.net")), ownerAddr), directory.KindUnauthenticated)
		e := w.lastSignIn(w.contoso)
		wantRecord(t, e, guest, directory.SignInWrongPasscode, directory.MethodPasscode)
		if e.ClientAddr != ownerAddr {
			t.Errorf("passcode record's address %q", e.ClientAddr)
		}
		if n := len(w.signIns(w.fabrikam)); n != 0 {
			t.Errorf("Fabrikam, where eve is nobody, has %d records", n)
		}
	})

	t.Run("AppSignInsAreRecordedWithTheApp", func(t *testing.T) {
		w := newWorld(t, ns)
		secret, _ := mustPair(w.svc.StartSession(w.as(w.ada)))(t)
		sess := must(w.svc.LookupSession(context.Background(), secret))(t)
		w.later()
		must(w.svc.AuthorizeAppSignIn(context.Background(), sess, w.contoso.ID, w.app.ID))(t)
		e := w.lastSignIn(w.contoso)
		wantRecord(t, e, w.adaGuest, directory.SignInSucceeded, directory.MethodSession)
		if e.AppID != w.app.ID || e.AppDisplayName != w.app.DisplayName || e.HomeTenantID != w.fabrikam.ID {
			t.Errorf("app record = %+v", e)
		}
		w.disable(w.adaGuest)
		w.later()
		wantKind(t, errOnly(w.svc.AuthorizeAppSignIn(context.Background(), sess, w.contoso.ID, w.app.ID)), directory.KindAppSignInRefused)
		e = w.lastSignIn(w.contoso)
		wantRecord(t, e, w.adaGuest, directory.SignInAccountDisabled, directory.MethodSession)
		if e.AppID != w.app.ID || strings.HasPrefix(e.FailureReason, "AADSTS") {
			t.Errorf("refused app record = %+v", e)
		}
	})
}
