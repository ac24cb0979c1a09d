package directory

import (
	"context"
	"strings"
	"time"
)

// findInvitation checks a token: unknown is KindNotFound, then used before
// expired, so a redeemed link says it was used whatever its age.
func findInvitation(ctx context.Context, tx Tx, token string, now time.Time) (*Invitation, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return nil, notFound("invitation")
	}
	inv, err := tx.GetInvitationByTokenHash(ctx, hashToken(token))
	if IsKind(err, KindNotFound) {
		return nil, notFound("invitation")
	}
	if err != nil {
		return nil, err
	}
	if inv.Status == InvitationCompleted || inv.RedeemedAt != nil {
		return nil, Errorf(KindInvitationUsed, "this invitation was already accepted; ask for a new one if you need it")
	}
	if !now.Before(inv.ExpiresAt) {
		return nil, Errorf(KindInvitationExpired, "this invitation has expired; ask the organization for a new one")
	}
	return inv, nil
}

// Redeem binds the invited user to the actor's home identity (a member of
// another tenant, or an e-mail identity) and sets Accepted.
//
// Refusals: no person acting is KindUnauthenticated; a guest account or the
// system cannot redeem (KindInvalid: sign in with your home account); a
// member of the inviting tenant is KindConflict, as is a person already
// bound to another live user of that tenant; an e-mail identity of another
// address is KindForbidden; a deleted invited user is KindConflict and a
// disabled one KindAccountDisabled with the tenant's contact.
func (s *Service) Redeem(ctx context.Context, token string) (*User, error) {
	var out *User
	err := s.write(ctx, func(o *op) error {
		inv, err := findInvitation(o.ctx, o.tx, token, o.now)
		if err != nil {
			return err
		}
		t, err := o.tenant(inv.TenantID)
		if err != nil {
			return err
		}
		homeUserID, emailID, identity, err := o.redeemer(t, inv)
		if err != nil {
			return err
		}
		u, err := o.user(inv.TenantID, inv.UserID)
		if err != nil {
			return err
		}
		if u.Deleted() {
			return Errorf(KindConflict, "the invited account was deleted from %s; ask for a new invitation", t.DisplayName)
		}
		if !u.AccountEnabled {
			e := Errorf(KindAccountDisabled, "the invited account is disabled in %s; contact its administrator", t.DisplayName)
			e.Contact = t.Contact()
			return e
		}
		bound, err := o.tx.ListUsersByHome(o.ctx, homeUserID, emailID)
		if err != nil {
			return err
		}
		for _, b := range bound {
			if b.TenantID == t.ID && b.ID != u.ID && !b.Deleted() {
				return Errorf(KindConflict, "you already have an account in %s", t.DisplayName)
			}
		}
		old := u.ExternalUserState
		changedAt := o.now
		u.HomeUserID, u.HomeEmailIdentityID = homeUserID, emailID
		u.ExternalUserState = Accepted
		u.ExternalUserStateChangeDateTime = &changedAt
		u.Identities = []ObjectIdentity{identity}
		props := []ModifiedProperty{}
		if m, ok := changed("ExternalUserState", old, Accepted); ok {
			props = append(props, m)
		}
		if inv.InvitedDisplayName == "" && o.c.user != nil {
			// The inviter gave no name: the person's own is better than the
			// mailbox name the guest got.
			if m, ok := changed("DisplayName", u.DisplayName, o.c.user.DisplayName); ok {
				props = append(props, m)
			}
			u.DisplayName = o.c.user.DisplayName
		}
		if err := o.tx.UpdateUser(o.ctx, u); err != nil {
			return err
		}
		redeemed := o.now
		inv.Status = InvitationCompleted
		inv.RedeemedAt = &redeemed
		if err := o.tx.UpdateInvitation(o.ctx, inv); err != nil {
			return err
		}
		// The guest object is the initiator (as Entra logs it), so a later
		// permanent delete scrubs its name from this record too.
		e := o.event(t.ID, ActivityRedeemInvite, CategoryUserManagement, opUpdate)
		e.Initiator = userInitiator(u)
		e.Targets = []AuditTarget{userTarget(u, props...)}
		out = u
		return o.audit(e)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// redeemer resolves the person redeeming inv: their home user or e-mail
// identity, and the identity the guest signs in with from now on.
func (o *op) redeemer(t *Tenant, inv *Invitation) (homeUserID, emailID string, id ObjectIdentity, err error) {
	c := o.c
	switch {
	case c.user != nil:
		if c.user.TenantID == t.ID {
			return "", "", id, Errorf(KindConflict, "you are already in %s; an invitation is for people from elsewhere", t.DisplayName)
		}
		if c.user.External() {
			return "", "", id, Invalidf("actor", "sign in with your home account, not a guest account, to accept an invitation")
		}
		home, err := o.tx.GetTenant(o.ctx, c.user.TenantID)
		if err != nil {
			return "", "", id, err
		}
		return c.user.ID, "", ObjectIdentity{SignInType: SignInTypeFederated, Issuer: home.InitialDomain, IssuerAssignedID: c.user.UserPrincipalName}, nil
	case c.email != nil:
		if !strings.EqualFold(c.email.Email, inv.InvitedEmail) {
			return "", "", id, Errorf(KindForbidden, "this invitation was sent to another e-mail address")
		}
		return "", c.email.ID, ObjectIdentity{SignInType: SignInTypeEmailAddress, Issuer: IssuerMail, IssuerAssignedID: c.email.Email}, nil
	}
	return "", "", id, Invalidf("actor", "an invitation is accepted by a person, signed in with their home account or e-mail")
}

// EnsureEmailIdentity returns the e-mail identity of address, creating it
// (system actor: after the passcode was verified). Addresses are kept in
// lower case: an identity is the mailbox, whatever the spelling.
func (s *Service) EnsureEmailIdentity(ctx context.Context, address string) (*EmailIdentity, error) {
	addr, err := ValidateEmail("email", address)
	if err != nil {
		return nil, err
	}
	addr = strings.ToLower(addr)
	var out *EmailIdentity
	err = s.write(ctx, func(o *op) error {
		if !o.c.system() {
			return Errorf(KindForbidden, "only orgdir creates e-mail identities")
		}
		e, err := o.tx.GetEmailIdentityByEmail(o.ctx, addr)
		if err == nil {
			out = e
			return nil
		}
		if !IsKind(err, KindNotFound) {
			return err
		}
		out = &EmailIdentity{ID: s.newID(), Email: addr, CreatedAt: o.now}
		return o.tx.CreateEmailIdentity(o.ctx, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
