package storetest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// holdings gives u a row in every table that names a user: membership,
// role, password, app role assignment, invitation, token, session, OAuth
// grant with a code and a refresh token, sign-in record.
type holdings struct {
	asg      *directory.AppRoleAssignment
	inv      *directory.Invitation
	token    []byte
	session  []byte
	grant    string
	code     []byte
	refresh  []byte
	signIn   string
	tenantID string
}

func (f *fx) holdings(tn *directory.Tenant, u *directory.User, g *directory.Group, app *directory.Application) holdings {
	f.t.Helper()
	h := holdings{tenantID: tn.ID}
	gr := &directory.OAuthGrant{ID: directory.NewID(), TenantID: tn.ID, AppID: app.ID, UserID: u.ID, SessionID: "s",
		AuthTime: base, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	code := &directory.OAuthCode{Hash: directory.HashSecret("code-" + u.ID), GrantID: gr.ID, RedirectURI: "https://app.example/cb",
		CreatedAt: base, ExpiresAt: base.Add(time.Minute)}
	ref := &directory.RefreshToken{Hash: directory.HashSecret("refresh-" + u.ID), GrantID: gr.ID, CreatedAt: base}
	si := signIn(tn.ID, u, base, 0)
	f.write(func(tx directory.Tx) error {
		for _, err := range []error{
			tx.AddGroupMember(f.ctx, tn.ID, g.ID, u.ID),
			tx.AddRole(f.ctx, tn.ID, u.ID, directory.RoleGuestInviter),
			tx.SetPasswordHash(f.ctx, tn.ID, u.ID, "hash"),
			tx.CreateOAuthGrant(f.ctx, gr),
			tx.CreateOAuthCode(f.ctx, code),
			tx.CreateRefreshToken(f.ctx, ref),
			tx.AppendSignIn(f.ctx, si),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	h.asg = f.assignment(tn.ID, u.ID, app.ID, app.AppRoles[0].ID)
	h.inv = f.invitation(tn.ID, u.ID)
	h.token = f.accessToken(tn.ID, u.ID).TokenHash
	h.session = f.session(tn.ID, u.ID).TokenHash
	h.grant, h.code, h.refresh, h.signIn = gr.ID, code.Hash, ref.Hash, si.ID
	return h
}

// count tells how many of u's holdings remain (0 to 11, user included).
func (f *fx) countHoldings(u *directory.User, h holdings) int {
	f.t.Helper()
	n := 0
	f.read(func(tx directory.Tx) error {
		found := func(err error) {
			if err == nil {
				n++
			} else if !directory.IsKind(err, directory.KindNotFound) {
				f.t.Fatalf("looking up a holding: %v", err)
			}
		}
		_, err := tx.GetUser(f.ctx, u.TenantID, u.ID)
		found(err)
		_, err = tx.GetPasswordHash(f.ctx, u.TenantID, u.ID)
		found(err)
		_, err = tx.GetInvitation(f.ctx, u.TenantID, h.inv.ID)
		found(err)
		_, err = tx.GetAppRoleAssignment(f.ctx, u.TenantID, h.asg.ID)
		found(err)
		_, err = tx.GetAccessTokenByHash(f.ctx, h.token)
		found(err)
		_, err = tx.GetSessionByHash(f.ctx, h.session)
		found(err)
		_, err = tx.GetOAuthGrant(f.ctx, h.grant)
		found(err)
		_, err = tx.GetOAuthCode(f.ctx, h.code)
		found(err)
		_, err = tx.GetRefreshToken(f.ctx, h.refresh)
		found(err)
		_, err = tx.GetSignIn(f.ctx, u.TenantID, h.signIn)
		found(err)
		groups, err := tx.ListMemberOf(f.ctx, u.TenantID, u.ID)
		wantNoErr(f.t, err)
		roles, err := tx.ListRoles(f.ctx, u.TenantID, u.ID)
		wantNoErr(f.t, err)
		n += len(groups) + len(roles)
		return nil
	})
	return n
}

const allHoldings = 12

var setEraseTests = map[string]func(*testing.T, *fx){
	"EraseUsersLeavesNoRowOfThemAnywhereAndTouchesNobodyElse": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		ga, gb, appA, appB := f.group(a.ID, "Sales"), f.group(b.ID, "Sales"), f.app(a.ID), f.app(b.ID)
		gone := []*directory.User{f.user(a.ID, deleted(base)), f.user(a.ID, deleted(base)), f.user(b.ID, deleted(base))}
		kept := []*directory.User{f.user(a.ID), f.user(b.ID, deleted(base))}
		hs := map[string]holdings{}
		for _, u := range append(append([]*directory.User{}, gone...), kept...) {
			tn, g, app := a, ga, appA
			if u.TenantID == b.ID {
				tn, g, app = b, gb, appB
			}
			hs[u.ID] = f.holdings(tn, u, g, app)
			if n := f.countHoldings(u, hs[u.ID]); n != allHoldings {
				t.Fatalf("set-up: %d holdings, want %d", n, allHoldings)
			}
		}
		keys := userKeys(gone)
		keys = append(keys, keys[0]) // named twice: erased once
		f.write(func(tx directory.Tx) error { return tx.EraseUsers(f.ctx, keys) })
		for _, u := range gone {
			if n := f.countHoldings(u, hs[u.ID]); n != 0 {
				t.Errorf("%s: %d rows remain after EraseUsers", u.DisplayName, n)
			}
		}
		for _, u := range kept {
			if n := f.countHoldings(u, hs[u.ID]); n != allHoldings {
				t.Errorf("%s, not erased, has %d of its %d rows", u.DisplayName, n, allHoldings)
			}
		}
	},
	"EraseUsersOfAMissingOrForeignKeyErasesNothing": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		u, v := f.user(a.ID, deleted(base)), f.user(b.ID, deleted(base))
		for name, keys := range map[string][]directory.UserKey{
			"unknown id":         {{TenantID: a.ID, UserID: u.ID}, {TenantID: a.ID, UserID: directory.NewID()}},
			"user of the tenant": {{TenantID: a.ID, UserID: u.ID}, {TenantID: a.ID, UserID: v.ID}},
		} {
			err := f.tryWrite(func(tx directory.Tx) error { return tx.EraseUsers(f.ctx, keys) })
			if directory.KindOf(err) != directory.KindNotFound {
				t.Errorf("%s: EraseUsers = %v, want KindNotFound", name, err)
			}
		}
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetUser(f.ctx, a.ID, u.ID)
			wantNoErr(t, err)
			_, err = tx.GetUser(f.ctx, b.ID, v.ID)
			wantNoErr(t, err)
			return nil
		})
	},
	"ScrubAuditSubjectsIsScrubAuditSubjectOfEach": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		s1, s2 := directory.NewID(), directory.NewID()
		target := func(id string) directory.AuditTarget {
			return directory.AuditTarget{ID: id, Type: "User", DisplayName: "Secret " + id[:4], UPN: id[:4] + "@x.example",
				ModifiedProperties: []directory.ModifiedProperty{{DisplayName: "mail", OldValue: `["o@x.example"]`, NewValue: `["n@x.example"]`}}}
		}
		other := directory.AuditTarget{ID: directory.NewID(), Type: "Group", DisplayName: "Sales",
			ModifiedProperties: []directory.ModifiedProperty{{DisplayName: "displayName", OldValue: `["S"]`, NewValue: `["Sales"]`}}}
		both := auditEvent(a.ID, base, directory.ActivityUpdateUser, target(s1))
		both.Targets = append(both.Targets, target(s2), other)
		byS2 := auditEvent(b.ID, base, directory.ActivityAddGroup, other)
		byS2.Initiator = directory.AuditInitiator{UserID: s2, DisplayName: "Secret", UPN: "s2@x.example"}
		untouched := auditEvent(b.ID, base, directory.ActivityAddUser, other)
		f.appendAudit(both, byS2, untouched)
		f.write(func(tx directory.Tx) error { return tx.ScrubAuditSubjects(f.ctx, []string{s1, s2, s1}) })

		blank := func(id string) directory.AuditTarget {
			return directory.AuditTarget{ID: id, Type: "User", ModifiedProperties: []directory.ModifiedProperty{{DisplayName: "mail"}}}
		}
		wantBoth := *both
		wantBoth.Targets = []directory.AuditTarget{blank(s1), blank(s2), other}
		wantBoth.AdditionalDetails = []directory.KeyValue{{Key: "reason"}}
		wantBy := *byS2
		wantBy.Initiator = directory.AuditInitiator{UserID: s2}
		wantBy.AdditionalDetails = []directory.KeyValue{{Key: "reason"}}
		f.read(func(tx directory.Tx) error {
			for _, c := range []struct {
				tenant string
				want   *directory.AuditEvent
			}{{a.ID, &wantBoth}, {b.ID, &wantBy}, {b.ID, untouched}} {
				got, err := tx.GetAudit(f.ctx, c.tenant, c.want.ID)
				wantNoErr(t, err)
				sameJSON(t, got, c.want)
			}
			return nil
		})
		err := f.tryWrite(func(tx directory.Tx) error { return tx.ScrubAuditSubjects(f.ctx, []string{s1, ""}) })
		wantKind(t, err, directory.KindInvalid)
	},
	"AppendAuditsWritesEveryEventAsAppendAuditDoes": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		// More than one INSERT's worth of rows, in two tenants, with zero,
		// one and two targets.
		var events []*directory.AuditEvent
		for i := range 1203 {
			tn := a.ID
			if i%3 == 0 {
				tn = b.ID
			}
			e := auditEvent(tn, base.Add(time.Duration(i)*time.Second), directory.ActivityUpdateUser,
				directory.AuditTarget{ID: directory.NewID(), Type: "User", DisplayName: fmt.Sprint("U", i)})
			switch i % 3 {
			case 1:
				e.Targets = nil
			case 2:
				e.Targets = append(e.Targets, directory.AuditTarget{ID: directory.NewID(), Type: "Group", DisplayName: "G",
					ModifiedProperties: []directory.ModifiedProperty{{DisplayName: "x", NewValue: `["y"]`}}})
			}
			events = append(events, e)
		}
		f.write(func(tx directory.Tx) error { return tx.AppendAudits(f.ctx, events) })
		f.write(func(tx directory.Tx) error { return tx.AppendAudits(f.ctx, nil) })
		f.read(func(tx directory.Tx) error {
			for _, e := range events {
				got, err := tx.GetAudit(f.ctx, e.TenantID, e.ID)
				wantNoErr(t, err)
				sameJSON(t, got, e)
			}
			return nil
		})
		// One event already there: the whole call fails.
		err := f.tryWrite(func(tx directory.Tx) error {
			return tx.AppendAudits(f.ctx, []*directory.AuditEvent{auditEvent(a.ID, base, directory.ActivityAddUser, directory.AuditTarget{ID: "x"}), events[5]})
		})
		if err == nil {
			t.Fatal("AppendAudits of an event already written succeeded")
		}
		if n := len(f.listAudit(a.ID, directory.AuditQuery{Limit: directory.MaxPageSize})); n != 802 {
			t.Errorf("tenant a has %d events, want 802", n)
		}
	},
	"DeleteUnclaimedMailSparesLiveUsersOtherTenantsAndNoTenant": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		live := f.user(a.ID)
		gone := f.mail(a.ID, "Gone@Mail.Test", base)
		gone2 := f.mail(a.ID, "gone@mail.test", base)
		claimed := f.mail(a.ID, strings.ToUpper(live.Mail), base)
		otherTenant := f.mail(b.ID, "gone@mail.test", base)
		noTenant := f.mail("", "gone@mail.test", base)
		f.write(func(tx directory.Tx) error {
			return tx.DeleteUnclaimedMail(f.ctx, []directory.MailAddress{
				{TenantID: a.ID, Address: "GONE@mail.test"}, {TenantID: a.ID, Address: live.Mail}, {TenantID: a.ID, Address: "gone@mail.test"}})
		})
		f.read(func(tx directory.Tx) error {
			for _, c := range []struct {
				m    *directory.OutboxMessage
				want int
			}{{gone, 0}, {gone2, 0}, {claimed, 1}, {otherTenant, 1}, {noTenant, 1}} {
				l, err := tx.ListMailTo(f.ctx, c.m.TenantID, c.m.To)
				wantNoErr(t, err)
				n := 0
				for _, m := range l {
					if m.ID == c.m.ID {
						n++
					}
				}
				if n != c.want {
					t.Errorf("mail of tenant %q to %s: %d left, want %d", c.m.TenantID, c.m.To, n, c.want)
				}
			}
			return nil
		})
		err := f.tryWrite(func(tx directory.Tx) error {
			return tx.DeleteUnclaimedMail(f.ctx, []directory.MailAddress{{TenantID: "", Address: "gone@mail.test"}})
		})
		wantKind(t, err, directory.KindInvalid)
	},
	"DeleteUnboundEmailIdentitiesKeepsTheBoundOnes": func(t *testing.T, f *fx) {
		tn := f.tenant()
		type person struct {
			e       *directory.EmailIdentity
			session []byte
			passMsg *directory.OutboxMessage
			tenMsg  *directory.OutboxMessage
		}
		mk := func(addr string) person {
			e := &directory.EmailIdentity{ID: directory.NewID(), Email: addr, CreatedAt: base}
			s := &directory.Session{ID: directory.NewID(), TokenHash: []byte("s-" + e.ID), EmailIdentityID: e.ID,
				CSRFSecret: []byte("c"), CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
			f.write(func(tx directory.Tx) error {
				wantNoErr(t, tx.CreateEmailIdentity(f.ctx, e))
				wantNoErr(t, tx.CreateSession(f.ctx, s))
				return tx.CreateOneTimeCode(f.ctx, &directory.OneTimeCode{ID: directory.NewID(), Email: strings.ToUpper(addr),
					CodeHash: []byte("h"), CreatedAt: base, ExpiresAt: base.Add(time.Hour)})
			})
			return person{e, s.TokenHash, f.mail("", strings.ToUpper(addr), base), f.mail(tn.ID, addr, base)}
		}
		unbound, bound := mk("free@mail.test"), mk("held@mail.test")
		f.user(tn.ID, deleted(base), func(u *directory.User) { u.UserType, u.HomeEmailIdentityID = directory.Guest, bound.e.ID })
		f.write(func(tx directory.Tx) error {
			return tx.DeleteUnboundEmailIdentities(f.ctx, []string{unbound.e.ID, bound.e.ID, directory.NewID(), unbound.e.ID})
		})
		f.read(func(tx directory.Tx) error {
			for _, c := range []struct {
				p    person
				keep bool
			}{{unbound, false}, {bound, true}} {
				_, err := tx.GetEmailIdentity(f.ctx, c.p.e.ID)
				_, serr := tx.GetSessionByHash(f.ctx, c.p.session)
				_, cerr := tx.GetLatestOneTimeCode(f.ctx, c.p.e.Email)
				pass, merr := tx.ListMailTo(f.ctx, "", c.p.e.Email)
				wantNoErr(t, merr)
				ten, terr := tx.ListMailTo(f.ctx, tn.ID, c.p.e.Email)
				wantNoErr(t, terr)
				if got := [4]bool{err == nil, serr == nil, cerr == nil, len(pass) == 1}; got != [4]bool{c.keep, c.keep, c.keep, c.keep} {
					t.Errorf("%s: identity, session, code, passcode mail present = %v; want all %v", c.p.e.Email, got, c.keep)
				}
				if len(ten) != 1 {
					t.Errorf("%s: the tenant's own mail to the address went too", c.p.e.Email)
				}
			}
			return nil
		})
	},
	"TwoConcurrentClaimersNeverGetTheSameUser": func(t *testing.T, f *fx) {
		// Each claimer claims and erases batches until none is left; the
		// first holds its first batch open until the second has claimed
		// (or, on a single-writer backend, for a moment): a row lock
		// backend must then hand the second other users.
		tn := f.tenant()
		const due = 30
		for i := range due {
			f.user(tn.ID, deleted(base.Add(time.Duration(i)*time.Second)))
		}
		now := base.Add(40 * 24 * time.Hour)
		var mu sync.Mutex
		claims := map[string]int{}
		secondClaimed := make(chan struct{})
		var once sync.Once
		claimer := func(first bool) error {
			for {
				n := 0
				err := f.s.Write(f.ctx, func(tx directory.Tx) error {
					users, err := tx.ClaimPurgeable(f.ctx, now, 4)
					if err != nil {
						return err
					}
					n = len(users)
					if !first {
						once.Do(func() { close(secondClaimed) })
					} else {
						first = false
						select {
						case <-secondClaimed:
						case <-time.After(300 * time.Millisecond):
						}
					}
					if n == 0 {
						return nil
					}
					mu.Lock()
					for _, u := range users {
						claims[u.ID]++
					}
					mu.Unlock()
					return tx.EraseUsers(f.ctx, userKeys(users))
				})
				if err != nil || n == 0 {
					return err
				}
			}
		}
		errs := make(chan error, 2)
		go func() { errs <- claimer(true) }()
		time.Sleep(20 * time.Millisecond) // the first claims first
		go func() { errs <- claimer(false) }()
		for range 2 {
			wantNoErr(t, <-errs)
		}
		if len(claims) != due {
			t.Errorf("%d users claimed, want all %d", len(claims), due)
		}
		for id, n := range claims {
			if n != 1 {
				t.Errorf("user %s claimed %d times", id, n)
			}
		}
		if n := len(f.listUsersDeleted(tn.ID)); n != 0 {
			t.Errorf("%d due users left", n)
		}
	},
}

func (f *fx) listUsersDeleted(tenantID string) []*directory.User {
	f.t.Helper()
	var out []*directory.User
	f.read(func(tx directory.Tx) error {
		var err error
		out, err = tx.ListUsers(f.ctx, tenantID, directory.UserQuery{Deleted: true, Limit: directory.MaxPageSize})
		return err
	})
	return out
}
