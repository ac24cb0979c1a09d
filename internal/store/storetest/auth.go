package storetest

import (
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

func (f *fx) accessToken(tenantID, userID string) *directory.AccessToken {
	f.t.Helper()
	a := &directory.AccessToken{ID: directory.NewID(), TenantID: tenantID, UserID: userID, TokenHash: []byte("token-" + directory.NewID()),
		Description: "script", CreatedAt: base, ExpiresAt: base.Add(24 * time.Hour)}
	f.write(func(tx directory.Tx) error { return tx.CreateAccessToken(f.ctx, a) })
	return a
}

func (f *fx) session(tenantID, userID string) *directory.Session {
	f.t.Helper()
	s := &directory.Session{ID: directory.NewID(), TokenHash: []byte("session-" + directory.NewID()), HomeTenantID: tenantID,
		HomeUserID: userID, CSRFSecret: []byte("csrf"), CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	f.write(func(tx directory.Tx) error { return tx.CreateSession(f.ctx, s) })
	return s
}

var accessTokenTests = map[string]func(*testing.T, *fx){
	"CreateGetByHashAndRevoke": func(t *testing.T, f *fx) {
		tn := f.tenant()
		a := f.accessToken(tn.ID, f.user(tn.ID).ID)
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetAccessTokenByHash(f.ctx, a.TokenHash)
			wantNoErr(t, err)
			sameJSON(t, got, a)
			_, err = tx.GetAccessTokenByHash(f.ctx, []byte("unknown"))
			wantKind(t, err, directory.KindNotFound)
			got, err = tx.GetAccessToken(f.ctx, a.ID)
			wantNoErr(t, err)
			sameJSON(t, got, a)
			_, err = tx.GetAccessToken(f.ctx, directory.NewID())
			wantKind(t, err, directory.KindNotFound)
			return nil
		})
		at := base.Add(time.Hour)
		f.write(func(tx directory.Tx) error { return tx.RevokeAccessToken(f.ctx, a.ID, at) })
		a.RevokedAt = &at
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetAccessTokenByHash(f.ctx, a.TokenHash)
			wantNoErr(t, err)
			sameJSON(t, got, a)
			return nil
		})
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.RevokeAccessToken(f.ctx, directory.NewID(), at) }), directory.KindNotFound)
	},
	"ListAccessTokensOfOneUserOldestFirst": func(t *testing.T, f *fx) {
		tn, other := f.tenant(), f.tenant()
		u := f.user(tn.ID)
		first := f.accessToken(tn.ID, u.ID)
		second := &directory.AccessToken{ID: directory.NewID(), TenantID: tn.ID, UserID: u.ID, TokenHash: []byte("t2-" + directory.NewID()),
			CreatedAt: base.Add(time.Minute), ExpiresAt: base.Add(time.Hour)}
		f.write(func(tx directory.Tx) error { return tx.CreateAccessToken(f.ctx, second) })
		f.write(func(tx directory.Tx) error { return tx.RevokeAccessToken(f.ctx, first.ID, base.Add(time.Second)) })
		revoked := base.Add(time.Second)
		first.RevokedAt = &revoked
		f.accessToken(tn.ID, f.user(tn.ID).ID)
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListAccessTokens(f.ctx, tn.ID, u.ID)
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.AccessToken{first, second})
			got, err = tx.ListAccessTokens(f.ctx, other.ID, u.ID)
			wantNoErr(t, err)
			if len(got) != 0 {
				t.Fatalf("another tenant sees the user's tokens: %+v", got)
			}
			return nil
		})
	},
	"TokenOfUnknownUserIsNotFound": func(t *testing.T, f *fx) {
		tn := f.tenant()
		err := f.tryWrite(func(tx directory.Tx) error {
			return tx.CreateAccessToken(f.ctx, &directory.AccessToken{ID: directory.NewID(), TenantID: tn.ID, UserID: directory.NewID(),
				TokenHash: []byte("t"), CreatedAt: base, ExpiresAt: base})
		})
		wantKind(t, err, directory.KindNotFound)
	},
}

var sessionTests = map[string]func(*testing.T, *fx){
	"CreateGetUpdateDelete": func(t *testing.T, f *fx) {
		tn, other := f.tenant(), f.tenant()
		s := f.session(tn.ID, f.user(tn.ID).ID)
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetSessionByHash(f.ctx, s.TokenHash)
			wantNoErr(t, err)
			sameJSON(t, got, s)
			return nil
		})
		at := base.Add(time.Minute)
		s.SignedIn, s.ExpiresAt, s.RevokedAt = []directory.TenantSignIn{{TenantID: other.ID, At: at}}, base.Add(2*time.Hour), &at
		f.write(func(tx directory.Tx) error { return tx.UpdateSession(f.ctx, s) })
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetSessionByHash(f.ctx, s.TokenHash)
			wantNoErr(t, err)
			sameJSON(t, got, s)
			return nil
		})
		f.write(func(tx directory.Tx) error { return tx.DeleteSession(f.ctx, s.ID) })
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetSessionByHash(f.ctx, s.TokenHash)
			wantKind(t, err, directory.KindNotFound)
			return nil
		})
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.DeleteSession(f.ctx, s.ID) }), directory.KindNotFound)
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.UpdateSession(f.ctx, s) }), directory.KindNotFound)
	},
	"ListSessionsOfAHomeUserOrAnEmailIdentity": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u := f.user(tn.ID)
		s1 := f.session(tn.ID, u.ID)
		f.session(tn.ID, f.user(tn.ID).ID)
		e := &directory.EmailIdentity{ID: directory.NewID(), Email: "p@example.test", CreatedAt: base}
		es := &directory.Session{ID: directory.NewID(), TokenHash: []byte("es"), EmailIdentityID: e.ID,
			SignedIn: []directory.TenantSignIn{{TenantID: tn.ID, At: base}}, CSRFSecret: []byte("c"), CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
		f.write(func(tx directory.Tx) error {
			if err := tx.CreateEmailIdentity(f.ctx, e); err != nil {
				return err
			}
			return tx.CreateSession(f.ctx, es)
		})
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListSessions(f.ctx, tn.ID, u.ID, "")
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.Session{s1})
			got, err = tx.ListSessions(f.ctx, "", "", e.ID)
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.Session{es})
			got, err = tx.ListSessions(f.ctx, directory.NewID(), u.ID, "")
			wantNoErr(t, err)
			if len(got) != 0 {
				t.Fatalf("sessions of the user under another tenant = %+v", got)
			}
			_, err = tx.ListSessions(f.ctx, tn.ID, u.ID, e.ID)
			wantKind(t, err, directory.KindInvalid)
			_, err = tx.ListSessions(f.ctx, "", "", "")
			wantKind(t, err, directory.KindInvalid)
			return nil
		})
	},
	"SessionOfAnEmailIdentity": func(t *testing.T, f *fx) {
		e := &directory.EmailIdentity{ID: directory.NewID(), Email: "p@example.test", CreatedAt: base}
		s := &directory.Session{ID: directory.NewID(), TokenHash: []byte("s"), EmailIdentityID: e.ID,
			CSRFSecret: []byte("c"), CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
		f.write(func(tx directory.Tx) error {
			if err := tx.CreateEmailIdentity(f.ctx, e); err != nil {
				return err
			}
			return tx.CreateSession(f.ctx, s)
		})
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetSessionByHash(f.ctx, s.TokenHash)
			wantNoErr(t, err)
			sameJSON(t, got, s)
			return nil
		})
	},
}

var oneTimeCodeTests = map[string]func(*testing.T, *fx){
	"LatestCodeCountAndDelete": func(t *testing.T, f *fx) {
		mk := func(email string, at time.Time) *directory.OneTimeCode {
			c := &directory.OneTimeCode{ID: directory.NewID(), Email: email, CodeHash: []byte("h-" + directory.NewID()), CreatedAt: at, ExpiresAt: at.Add(10 * time.Minute)}
			f.write(func(tx directory.Tx) error { return tx.CreateOneTimeCode(f.ctx, c) })
			return c
		}
		mk("p@example.test", base)
		latest := mk("P@example.test", base.Add(2*time.Minute))
		mk("p@example.test", base.Add(time.Minute))
		other := mk("q@example.test", base.Add(time.Hour))
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetLatestOneTimeCode(f.ctx, "p@EXAMPLE.test")
			wantNoErr(t, err)
			sameJSON(t, got, latest)
			n, err := tx.CountOneTimeCodesSince(f.ctx, "p@example.test", base.Add(time.Minute))
			wantNoErr(t, err)
			if n != 2 {
				t.Fatalf("CountOneTimeCodesSince = %d, want 2", n)
			}
			return nil
		})
		used := base.Add(3 * time.Minute)
		latest.Attempts, latest.UsedAt = 2, &used
		f.write(func(tx directory.Tx) error { return tx.UpdateOneTimeCode(f.ctx, latest) })
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetLatestOneTimeCode(f.ctx, "p@example.test")
			wantNoErr(t, err)
			sameJSON(t, got, latest)
			return nil
		})
		f.write(func(tx directory.Tx) error { return tx.DeleteOneTimeCodes(f.ctx, "P@example.test") })
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetLatestOneTimeCode(f.ctx, "p@example.test")
			wantKind(t, err, directory.KindNotFound)
			got, err := tx.GetLatestOneTimeCode(f.ctx, other.Email)
			wantNoErr(t, err)
			sameJSON(t, got, other)
			return nil
		})
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.UpdateOneTimeCode(f.ctx, latest) }), directory.KindNotFound)
	},
}
