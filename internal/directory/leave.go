package directory

import (
	"context"
	"time"
)

// Leave removes the actor's person from tenantID by themselves: their
// guest user there is soft-deleted (Deleted users, restorable until the
// tenant's retention ends), its memberships and assignments kept, hidden.
//
// The actor is the guest user object in tenantID, or the person (a home
// user, or an e-mail identity) whose guest in tenantID is then found. The
// checks run in this order, and the first that fails is the answer, with
// the contact of the tenant that must act:
//
//  1. a member of tenantID who was not invited: KindLeaveHomeOrganization;
//  2. an invited user of type Member: KindLeaveNotGuest;
//  3. the person's home user is disabled: KindLeaveDisabledAtHome (home
//     tenant's contact);
//  4. the guest is disabled in tenantID: KindLeaveDisabledInTenant;
//  5. tenantID turned self-service leave off: KindLeavePolicyOff.
//
// What the person is comes first (1, 2), then the state of their accounts
// from home outwards (3, 4), then the policy (5): the first answer is the
// one whose fix makes the others possible. A refusal is audited, as a
// failure, in tenantID in its own transaction; success is audited as
// "Leave organization" in the same transaction as the deletion.
func (s *Service) Leave(ctx context.Context, tenantID string) error {
	var refusal *Error
	var refused *User
	err := s.writeAs(ctx, true, func(o *op) error {
		t, err := o.tenant(tenantID)
		if err != nil {
			return err
		}
		u, err := o.leaver(tenantID)
		if err != nil {
			return err
		}
		if r, err := o.leaveRefusal(t, u); err != nil {
			return err
		} else if r != nil {
			refusal, refused = r, u
			return r
		}
		if err := o.softDelete(t, u); err != nil {
			return err
		}
		e := o.event(tenantID, ActivityLeaveOrganization, CategoryUserManagement, opDelete, userTarget(u))
		e.Initiator = userInitiator(u)
		e.AdditionalDetails = []KeyValue{{Key: "reason", Value: "self-service leave"}}
		return o.audit(e)
	})
	if refusal != nil && err != nil && KindOf(err) == refusal.Kind {
		s.auditRefusedLeave(ctx, tenantID, refused, refusal)
		return refusal
	}
	return err
}

// LeaveRefusal returns the refusal Leave would answer now, or nil when
// the actor's person may leave tenantID; it changes nothing. The web UI
// asks it before sending a person to sign in to an organization that
// would refuse them anyway (a disabled guest's sign-in there has ended).
func (s *Service) LeaveRefusal(ctx context.Context, tenantID string) error {
	return s.store.Read(ctx, func(tx Tx) error {
		c, err := loadCaller(ctx, tx, true)
		if err != nil {
			return err
		}
		o := s.newOp(ctx, tx, c)
		t, err := o.tenant(tenantID)
		if err != nil {
			return err
		}
		u, err := o.leaver(tenantID)
		if err != nil {
			return err
		}
		r, err := o.leaveRefusal(t, u)
		if err != nil || r == nil {
			return wrap(err)
		}
		return r
	})
}

// leaver finds the user object that leaves tenantID for the caller.
func (o *op) leaver(tenantID string) (*User, error) {
	c := o.c
	if c.system() {
		return nil, Invalidf("actor", "a person leaves an organization themselves; administrators delete users instead")
	}
	if c.user != nil && c.user.TenantID == tenantID {
		return c.user, nil
	}
	p, err := o.person()
	if err != nil {
		return nil, err
	}
	u, err := o.guestIn(p, tenantID)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, notFound("organization")
	}
	return u, nil
}

// leaveRefusal returns the refusal of u leaving t, or nil.
func (o *op) leaveRefusal(t *Tenant, u *User) (*Error, error) {
	refuse := func(k Kind, contact *Contact, msg string, args ...any) *Error {
		e := Errorf(k, msg, args...)
		e.Contact = contact
		return e
	}
	if !u.External() {
		return refuse(KindLeaveHomeOrganization, t.Contact(),
			"%s is your home organization; only its administrator can remove your account", t.DisplayName), nil
	}
	if u.UserType != Guest {
		return refuse(KindLeaveNotGuest, t.Contact(),
			"you are a member of %s, not a guest; ask its administrator to remove your account", t.DisplayName), nil
	}
	if u.HomeUserID != "" {
		h, err := o.homeUser(u)
		if err != nil && !IsKind(err, KindNotFound) {
			return nil, err
		}
		if h != nil && (!h.AccountEnabled || h.Deleted()) {
			home, err := o.tenant(h.TenantID)
			if err != nil {
				return nil, err
			}
			return refuse(KindLeaveDisabledAtHome, home.Contact(),
				"your account in your home organization %s is disabled; contact its administrator", home.DisplayName), nil
		}
	}
	if !u.AccountEnabled {
		return refuse(KindLeaveDisabledInTenant, t.Contact(),
			"your account in %s is disabled; contact its administrator, who can delete or enable it", t.DisplayName), nil
	}
	if !t.Settings.AllowExternalUsersToLeave {
		return refuse(KindLeavePolicyOff, t.Contact(),
			"%s does not allow external users to leave by themselves; contact its administrator", t.DisplayName), nil
	}
	return nil, nil
}

// auditRefusedLeave records a refused leave in the resource tenant. The
// refusal stands whatever happens here: the person must hear why.
func (s *Service) auditRefusedLeave(ctx context.Context, tenantID string, u *User, refusal *Error) {
	_ = s.store.Write(ctx, func(tx Tx) error {
		o := s.newOp(ctx, tx, &caller{actor: Actor{TenantID: tenantID, UserID: u.ID}, user: u})
		e := o.event(tenantID, ActivityLeaveOrganization, CategoryUserManagement, opDelete, userTarget(u))
		e.Result = ResultFailure
		e.ResultReason = refusal.Kind.String()
		e.AdditionalDetails = []KeyValue{{Key: "reason", Value: "self-service leave"}}
		return o.audit(e)
	})
}

// softDelete moves u to Deleted users until the tenant's retention ends.
// Retention counts whole 24-hour days from the instant of deletion, so the
// purge time does not depend on any time zone.
func (o *op) softDelete(t *Tenant, u *User) error {
	days := t.Settings.RetentionDays
	if days < MinRetentionDays || days > MaxRetentionDays {
		days = DefaultRetentionDays
	}
	del := o.now
	purge := del.Add(time.Duration(days) * 24 * time.Hour)
	u.DeletedAt, u.PurgeAt = &del, &purge
	o.revokeCredentials(u)
	return o.tx.UpdateUser(o.ctx, u)
}
