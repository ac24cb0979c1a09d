package storetest

import (
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

var grantTests = map[string]func(*testing.T, *fx){
	"GrantCodeAndRefreshTokenRoundTrip": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u, a := f.user(tn.ID), f.app(tn.ID)
		g := &directory.OAuthGrant{ID: directory.NewID(), TenantID: tn.ID, AppID: a.ID, UserID: u.ID, SessionID: directory.NewID(),
			PublicClient: true, Scopes: []string{"openid", "offline_access"}, Nonce: "n", AuthTime: base, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
		c := &directory.OAuthCode{Hash: directory.HashSecret("code"), GrantID: g.ID, RedirectURI: "https://a.example/cb",
			CodeChallenge: "challenge", CreatedAt: base, ExpiresAt: base.Add(time.Minute)}
		r := &directory.RefreshToken{Hash: directory.HashSecret("refresh"), GrantID: g.ID, CreatedAt: base}
		f.write(func(tx directory.Tx) error {
			wantNoErr(t, tx.CreateOAuthGrant(f.ctx, g))
			wantNoErr(t, tx.CreateOAuthCode(f.ctx, c))
			return tx.CreateRefreshToken(f.ctx, r)
		})
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetOAuthGrant(f.ctx, g.ID)
			wantNoErr(t, err)
			sameJSON(t, got, g)
			gc, err := tx.GetOAuthCode(f.ctx, c.Hash)
			wantNoErr(t, err)
			sameJSON(t, gc, c)
			gr, err := tx.GetRefreshToken(f.ctx, r.Hash)
			wantNoErr(t, err)
			sameJSON(t, gr, r)
			_, err = tx.GetRefreshToken(f.ctx, directory.HashSecret("other"))
			wantKind(t, err, directory.KindNotFound)
			return nil
		})
	},
	"CodesAndTokensAreUsedOnce": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u, a := f.user(tn.ID), f.app(tn.ID)
		g := &directory.OAuthGrant{ID: directory.NewID(), TenantID: tn.ID, AppID: a.ID, UserID: u.ID, SessionID: "s",
			AuthTime: base, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
		c := &directory.OAuthCode{Hash: directory.HashSecret("code"), GrantID: g.ID, RedirectURI: "https://a.example/cb", CreatedAt: base, ExpiresAt: base}
		r := &directory.RefreshToken{Hash: directory.HashSecret("refresh"), GrantID: g.ID, CreatedAt: base}
		f.write(func(tx directory.Tx) error {
			wantNoErr(t, tx.CreateOAuthGrant(f.ctx, g))
			wantNoErr(t, tx.CreateOAuthCode(f.ctx, c))
			return tx.CreateRefreshToken(f.ctx, r)
		})
		f.write(func(tx directory.Tx) error {
			wantNoErr(t, tx.UseOAuthCode(f.ctx, c.Hash, base))
			return tx.UseRefreshToken(f.ctx, r.Hash, base)
		})
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.UseOAuthCode(f.ctx, c.Hash, base) }), directory.KindConflict)
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.UseRefreshToken(f.ctx, r.Hash, base) }), directory.KindConflict)
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.UseRefreshToken(f.ctx, []byte("nope"), base) }), directory.KindNotFound)
		f.write(func(tx directory.Tx) error { return tx.RevokeOAuthGrant(f.ctx, g.ID, base) })
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.RevokeOAuthGrant(f.ctx, g.ID, base) }), directory.KindNotFound)
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetOAuthGrant(f.ctx, g.ID)
			wantNoErr(t, err)
			if got.RevokedAt == nil {
				t.Error("grant not revoked")
			}
			return nil
		})
	},
	"DeletingTheUserDeletesItsGrants": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u, a := f.user(tn.ID), f.app(tn.ID)
		g := &directory.OAuthGrant{ID: directory.NewID(), TenantID: tn.ID, AppID: a.ID, UserID: u.ID, SessionID: "s",
			AuthTime: base, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
		r := &directory.RefreshToken{Hash: directory.HashSecret("refresh"), GrantID: g.ID, CreatedAt: base}
		f.write(func(tx directory.Tx) error {
			wantNoErr(t, tx.CreateOAuthGrant(f.ctx, g))
			return tx.CreateRefreshToken(f.ctx, r)
		})
		f.write(func(tx directory.Tx) error { return tx.DeleteUser(f.ctx, tn.ID, u.ID) })
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetOAuthGrant(f.ctx, g.ID)
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetRefreshToken(f.ctx, r.Hash)
			wantKind(t, err, directory.KindNotFound)
			return nil
		})
	},
	"EndedGrantsAreDeletedWithTheirCodesAndTokens": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u, a := f.user(tn.ID), f.app(tn.ID)
		grant := func(expires time.Time, revoked *time.Time) *directory.OAuthGrant {
			g := &directory.OAuthGrant{ID: directory.NewID(), TenantID: tn.ID, AppID: a.ID, UserID: u.ID, SessionID: "s",
				AuthTime: base, CreatedAt: base, ExpiresAt: expires}
			f.write(func(tx directory.Tx) error {
				wantNoErr(t, tx.CreateOAuthGrant(f.ctx, g))
				wantNoErr(t, tx.CreateOAuthCode(f.ctx, &directory.OAuthCode{Hash: directory.HashSecret("code" + g.ID), GrantID: g.ID,
					RedirectURI: "https://a.example/cb", CreatedAt: base, ExpiresAt: base.Add(time.Minute)}))
				wantNoErr(t, tx.CreateRefreshToken(f.ctx, &directory.RefreshToken{Hash: directory.HashSecret("rt" + g.ID), GrantID: g.ID, CreatedAt: base}))
				if revoked != nil {
					return tx.RevokeOAuthGrant(f.ctx, g.ID, *revoked)
				}
				return nil
			})
			return g
		}
		now := base.Add(24 * time.Hour)
		later := now.Add(time.Second)
		expired := grant(now, nil)                 // expires at now: ended
		revoked := grant(now.Add(time.Hour), &now) // revoked at now: ended
		live := grant(later, nil)                  // expires a second later
		revokedLater := grant(now.Add(time.Hour), &later)
		var n int
		f.write(func(tx directory.Tx) error {
			_, err := tx.DeleteEndedOAuthGrants(f.ctx, now, 0)
			wantKind(t, err, directory.KindInvalid)
			n, err = tx.DeleteEndedOAuthGrants(f.ctx, now, 1000)
			return err
		})
		if n < 2 {
			t.Errorf("deleted %d grants, want at least the 2 ended", n)
		}
		f.read(func(tx directory.Tx) error {
			for _, g := range []*directory.OAuthGrant{expired, revoked} {
				_, err := tx.GetOAuthGrant(f.ctx, g.ID)
				wantKind(t, err, directory.KindNotFound)
				_, err = tx.GetOAuthCode(f.ctx, directory.HashSecret("code"+g.ID))
				wantKind(t, err, directory.KindNotFound)
				_, err = tx.GetRefreshToken(f.ctx, directory.HashSecret("rt"+g.ID))
				wantKind(t, err, directory.KindNotFound)
			}
			for _, g := range []*directory.OAuthGrant{live, revokedLater} {
				_, err := tx.GetOAuthGrant(f.ctx, g.ID)
				wantNoErr(t, err)
				_, err = tx.GetRefreshToken(f.ctx, directory.HashSecret("rt"+g.ID))
				wantNoErr(t, err)
			}
			return nil
		})
		// The limit holds: of two more ended grants, one goes per call.
		grant(now, nil)
		grant(now, nil)
		f.write(func(tx directory.Tx) error {
			n, err := tx.DeleteEndedOAuthGrants(f.ctx, now, 1)
			if n != 1 {
				t.Errorf("limit 1 deleted %d", n)
			}
			return err
		})
	},
}
