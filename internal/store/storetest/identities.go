package storetest

import (
	"bytes"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

var passwordTests = map[string]func(*testing.T, *fx){
	"SetThenGetAndReplace": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u := f.user(tn.ID)
		f.write(func(tx directory.Tx) error { return tx.SetPasswordHash(f.ctx, tn.ID, u.ID, "$argon2id$one") })
		f.write(func(tx directory.Tx) error { return tx.SetPasswordHash(f.ctx, tn.ID, u.ID, "$argon2id$two") })
		f.read(func(tx directory.Tx) error {
			h, err := tx.GetPasswordHash(f.ctx, tn.ID, u.ID)
			wantNoErr(t, err)
			if h != "$argon2id$two" {
				t.Fatalf("hash = %q, want the second one", h)
			}
			return nil
		})
	},
	"NoPasswordOrNoUserIsNotFound": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u := f.user(tn.ID)
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetPasswordHash(f.ctx, tn.ID, u.ID)
			wantKind(t, err, directory.KindNotFound)
			return nil
		})
		err := f.tryWrite(func(tx directory.Tx) error { return tx.SetPasswordHash(f.ctx, tn.ID, directory.NewID(), "h") })
		wantKind(t, err, directory.KindNotFound)
	},
}

var emailIdentityTests = map[string]func(*testing.T, *fx){
	"CreateThenGetByIDAndByEmailIgnoringCase": func(t *testing.T, f *fx) {
		e := &directory.EmailIdentity{ID: directory.NewID(), Email: "Someone@Example.test", CreatedAt: base}
		f.write(func(tx directory.Tx) error { return tx.CreateEmailIdentity(f.ctx, e) })
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetEmailIdentity(f.ctx, e.ID)
			wantNoErr(t, err)
			sameJSON(t, got, e)
			got, err = tx.GetEmailIdentityByEmail(f.ctx, "someone@example.TEST")
			wantNoErr(t, err)
			sameJSON(t, got, e)
			return nil
		})
	},
	"SameEmailIgnoringCaseIsConflict": func(t *testing.T, f *fx) {
		f.write(func(tx directory.Tx) error {
			return tx.CreateEmailIdentity(f.ctx, &directory.EmailIdentity{ID: directory.NewID(), Email: "a@example.test", CreatedAt: base})
		})
		err := f.tryWrite(func(tx directory.Tx) error {
			return tx.CreateEmailIdentity(f.ctx, &directory.EmailIdentity{ID: directory.NewID(), Email: "A@EXAMPLE.test", CreatedAt: base})
		})
		wantKind(t, err, directory.KindConflict)
	},
	"DeleteRemovesItAndItsSessions": func(t *testing.T, f *fx) {
		e := &directory.EmailIdentity{ID: directory.NewID(), Email: "gone@example.test", CreatedAt: base}
		s := &directory.Session{ID: directory.NewID(), TokenHash: []byte("session-of-identity"), EmailIdentityID: e.ID,
			CSRFSecret: []byte("csrf"), CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
		f.write(func(tx directory.Tx) error {
			if err := tx.CreateEmailIdentity(f.ctx, e); err != nil {
				return err
			}
			return tx.CreateSession(f.ctx, s)
		})
		f.write(func(tx directory.Tx) error { return tx.DeleteEmailIdentity(f.ctx, e.ID) })
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetEmailIdentity(f.ctx, e.ID)
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetEmailIdentityByEmail(f.ctx, e.Email)
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetSessionByHash(f.ctx, s.TokenHash)
			wantKind(t, err, directory.KindNotFound)
			return nil
		})
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.DeleteEmailIdentity(f.ctx, e.ID) }), directory.KindNotFound)
	},
}

func (f *fx) invitation(tenantID, userID string) *directory.Invitation {
	f.t.Helper()
	inv := &directory.Invitation{
		ID: directory.NewID(), TenantID: tenantID, UserID: userID, InvitedEmail: "guest@fabrikam.example",
		InvitedDisplayName: "Guest", InviteRedirectURL: "https://app.example/", CustomizedMessageBody: "Welcome",
		SendInvitationMessage: true, InvitedUserType: directory.Guest, InvitedByUserID: directory.NewID(),
		TokenHash: []byte("hash-" + directory.NewID()), Status: directory.InvitationPending,
		CreatedAt: base, ExpiresAt: base.Add(directory.DefaultInvitationTTL),
	}
	f.write(func(tx directory.Tx) error { return tx.CreateInvitation(f.ctx, inv) })
	return inv
}

var invitationTests = map[string]func(*testing.T, *fx){
	"CreateThenGetByIDAndByTokenHash": func(t *testing.T, f *fx) {
		tn := f.tenant()
		inv := f.invitation(tn.ID, f.user(tn.ID).ID)
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetInvitation(f.ctx, tn.ID, inv.ID)
			wantNoErr(t, err)
			sameJSON(t, got, inv)
			got, err = tx.GetInvitationByTokenHash(f.ctx, bytes.Clone(inv.TokenHash))
			wantNoErr(t, err)
			sameJSON(t, got, inv)
			return nil
		})
	},
	"UpdateRecordsRedemption": func(t *testing.T, f *fx) {
		tn := f.tenant()
		inv := f.invitation(tn.ID, f.user(tn.ID).ID)
		at := base.Add(time.Hour)
		inv.Status, inv.RedeemedAt = directory.InvitationCompleted, &at
		f.write(func(tx directory.Tx) error { return tx.UpdateInvitation(f.ctx, inv) })
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetInvitation(f.ctx, tn.ID, inv.ID)
			wantNoErr(t, err)
			sameJSON(t, got, inv)
			return nil
		})
	},
	"UpdateRecordsSupersession": func(t *testing.T, f *fx) {
		tn := f.tenant()
		inv := f.invitation(tn.ID, f.user(tn.ID).ID)
		at := base.Add(time.Hour + 7*time.Microsecond)
		inv.SupersededAt = &at
		f.write(func(tx directory.Tx) error { return tx.UpdateInvitation(f.ctx, inv) })
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetInvitationByTokenHash(f.ctx, inv.TokenHash)
			wantNoErr(t, err)
			if got.SupersededAt == nil || !got.SupersededAt.Equal(at) {
				t.Fatalf("SupersededAt = %v, want %v", got.SupersededAt, at)
			}
			sameJSON(t, got, inv)
			return nil
		})
	},
	"ListByUserReturnsThatUsersInvitationsOldestFirst": func(t *testing.T, f *fx) {
		tn := f.tenant()
		u, other := f.user(tn.ID), f.user(tn.ID)
		first := f.invitation(tn.ID, u.ID)
		f.invitation(tn.ID, other.ID)
		second := &directory.Invitation{ID: directory.NewID(), TenantID: tn.ID, UserID: u.ID, InvitedEmail: "g@x.example",
			InvitedUserType: directory.Guest, TokenHash: []byte("second"), Status: directory.InvitationPending,
			CreatedAt: base.Add(time.Minute), ExpiresAt: base.Add(time.Hour)}
		f.write(func(tx directory.Tx) error { return tx.CreateInvitation(f.ctx, second) })
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListInvitationsByUser(f.ctx, tn.ID, u.ID)
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.Invitation{first, second})
			return nil
		})
	},
	"UnknownIsNotFound": func(t *testing.T, f *fx) {
		tn := f.tenant()
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetInvitation(f.ctx, tn.ID, directory.NewID())
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetInvitationByTokenHash(f.ctx, []byte("no such token"))
			wantKind(t, err, directory.KindNotFound)
			return nil
		})
		err := f.tryWrite(func(tx directory.Tx) error {
			return tx.UpdateInvitation(f.ctx, &directory.Invitation{ID: directory.NewID(), TenantID: tn.ID, TokenHash: []byte("x")})
		})
		wantKind(t, err, directory.KindNotFound)
		err = f.tryWrite(func(tx directory.Tx) error {
			return tx.CreateInvitation(f.ctx, &directory.Invitation{ID: directory.NewID(), TenantID: tn.ID, UserID: directory.NewID(),
				TokenHash: []byte("y"), Status: directory.InvitationPending, CreatedAt: base, ExpiresAt: base})
		})
		wantKind(t, err, directory.KindNotFound)
	},
}
