package directory

import (
	"context"
	"strings"
	"time"
)

// findInvitation checks a token: unknown is KindNotFound, then used, then
// superseded, then expired, so a redeemed link says it was used whatever
// its age, and a replaced one points to the newer e-mail.
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
	if inv.SupersededAt != nil {
		return nil, Errorf(KindInvitationSuperseded, "this invitation was superseded by a newer invitation; use the link in the newest invitation e-mail")
	}
	if !now.Before(inv.ExpiresAt) {
		return nil, Errorf(KindInvitationExpired, "this invitation has expired; ask the organization for a new one")
	}
	return inv, nil
}

// Redeem binds the invited user to the actor's home identity (a member of
// another tenant, or an e-mail identity) and sets Accepted.
//
// Only the person the invitation was sent to redeems it: the invited
// address must be one the actor has proven (proven.go); anyone else is
// KindInvitationOtherAddress, which names the invited address masked,
// changes nothing and is audited as a failed redemption in the inviting
// tenant.
//
// Other refusals: no person acting is KindUnauthenticated; a guest account
// or the system cannot redeem (KindInvalid: sign in with your home
// account); a member of the inviting tenant is KindConflict, as is a
// person already bound to another live user of that tenant (the store's
// constraint decides between two redemptions at the same moment); a
// deleted invited user is KindConflict and a disabled one
// KindAccountDisabled with the tenant's contact.
func (s *Service) Redeem(ctx context.Context, token string) (*User, error) {
	var out *User
	var refused *refusedRedeem
	err := s.write(ctx, func(o *op) error {
		inv, err := findInvitation(o.ctx, o.tx, token, o.now)
		if err != nil {
			return err
		}
		t, err := o.tenant(inv.TenantID)
		if err != nil {
			return err
		}
		u, err := o.user(inv.TenantID, inv.UserID)
		if err != nil {
			return err
		}
		homeUserID, emailID, identity, err := o.redeemer(t, inv)
		if IsKind(err, KindInvitationOtherAddress) {
			refused = &refusedRedeem{tenantID: t.ID, guest: u, initiator: o.c.initiator(), refusal: AsError(err)}
		}
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
		alreadyThere := Errorf(KindConflict, "you already have an account in %s", t.DisplayName)
		bound, err := o.tx.ListUsersByHome(o.ctx, homeUserID, emailID)
		if err != nil {
			return err
		}
		for _, b := range bound {
			if b.TenantID == t.ID && b.ID != u.ID && !b.Deleted() {
				return alreadyThere
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
			if IsKind(err, KindConflict) {
				// The store allows one live user per person and tenant: a
				// redemption of another invitation of this person, at the
				// same moment, was first. (UPN and mail do not change here.)
				return alreadyThere
			}
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
	if refused != nil && IsKind(err, KindInvitationOtherAddress) {
		s.auditRefusedRedeem(ctx, refused)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CheckRedeemer tells, without changing anything, whether the actor may
// redeem the invitation of token as far as who they are goes: nil, or the
// refusal Redeem would give (KindInvitationOtherAddress for someone the
// invitation is not for). The redeem page asks it before offering Accept.
func (s *Service) CheckRedeemer(ctx context.Context, token string) error {
	return s.read(ctx, func(o *op) error {
		inv, err := findInvitation(o.ctx, o.tx, token, o.now)
		if err != nil {
			return err
		}
		t, err := o.tenant(inv.TenantID)
		if err != nil {
			return err
		}
		_, _, _, err = o.redeemer(t, inv)
		return err
	})
}

// redeemer resolves the person redeeming inv: their home user or e-mail
// identity, and the identity the guest signs in with from now on. The
// invited address must be one they proved.
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
		if !provenFor(memberAddresses(c.user, home), inv.InvitedEmail) {
			return "", "", id, otherAddress(t, inv)
		}
		return c.user.ID, "", ObjectIdentity{SignInType: SignInTypeFederated, Issuer: home.InitialDomain, IssuerAssignedID: c.user.UserPrincipalName}, nil
	case c.email != nil:
		if !provenFor([]string{c.email.Email}, inv.InvitedEmail) {
			return "", "", id, otherAddress(t, inv)
		}
		return "", c.email.ID, ObjectIdentity{SignInType: SignInTypeEmailAddress, Issuer: IssuerMail, IssuerAssignedID: c.email.Email}, nil
	}
	return "", "", id, Invalidf("actor", "an invitation is accepted by a person, signed in with their home account or e-mail")
}

// otherAddress is the refusal of an invitation to someone it was not sent
// to. It names the invited address masked: the person it was sent to
// recognizes it, a stranger holding the link learns nothing new.
func otherAddress(t *Tenant, inv *Invitation) *Error {
	e := Errorf(KindInvitationOtherAddress,
		"this invitation is for another e-mail address (%s), not for the account you are signed in with; sign in with the account of that address, or ask %s to invite the address you use",
		maskAddress(inv.InvitedEmail), t.DisplayName)
	e.Contact = t.Contact()
	return e
}

// refusedRedeem is what the audit record of a refused redemption needs.
type refusedRedeem struct {
	tenantID  string
	guest     *User
	initiator AuditInitiator
	refusal   *Error
}

// auditRefusedRedeem records, in the inviting tenant, that someone the
// invitation was not for tried to redeem it: an administrator should know
// that a link went astray. The refusal stands whatever happens here.
func (s *Service) auditRefusedRedeem(ctx context.Context, r *refusedRedeem) {
	_ = s.store.Write(ctx, func(tx Tx) error {
		o := s.newOp(ctx, tx, &caller{actor: SystemActor("orgdir")})
		e := o.event(r.tenantID, ActivityRedeemInvite, CategoryUserManagement, opUpdate, userTarget(r.guest))
		e.Initiator = r.initiator
		e.Result = ResultFailure
		e.ResultReason = r.refusal.Kind.String()
		return o.audit(e)
	})
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
