package directory

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
)

// tokenBytes is the entropy of a redeem token.
const tokenBytes = 32

// newToken returns a random base64url token and its SHA-256 hash, the only
// form orgdir stores.
func newToken() (string, []byte, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	return tok, hashToken(tok), nil
}

func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// guestUPN is Entra's userPrincipalName of an invited user:
// ada@fabrikam.example invited to contoso.example becomes
// ada_fabrikam.example#EXT#@contoso.example.
func guestUPN(mailAddr, tenantDomain string) string {
	return strings.ReplaceAll(mailAddr, "@", "_") + "#EXT#@" + tenantDomain
}

// Invite invites an e-mail address into the tenant (Global and User
// Administrators, Guest Inviters; invitedUserType Member only the
// administrators). It creates the guest user at once, in
// PendingAcceptance, and an invitation with a single-use token.
//
// An address that already has a live invited user here is a resend: a
// pending one gets a new invitation (its older links are superseded and
// say so), an
// accepted one is returned as it is, without a token. The address of a
// member of the tenant is KindConflict. A deleted guest's address gets a
// new guest; the deleted one stays in Deleted users.
func (s *Service) Invite(ctx context.Context, tenantID string, r InviteRequest) (*InviteResult, error) {
	p, err := s.prepareInvite(r)
	if err != nil {
		return nil, err
	}
	var res *InviteResult
	err = s.write(ctx, func(o *op) error {
		if err := o.c.require(tenantID, permInvite); err != nil {
			return err
		}
		t, err := o.tenant(tenantID)
		if err != nil {
			return err
		}
		res, err = o.invite(t, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// preparedInvite is an InviteRequest checked, with its redeem token.
type preparedInvite struct {
	addr, redirect, name, body string
	userType                   UserType
	send                       bool
	tok                        string
	tokHash                    []byte
}

// prepareInvite checks r and makes its token, before any transaction.
func (s *Service) prepareInvite(r InviteRequest) (*preparedInvite, error) {
	addr, err := ValidateEmail("invitedUserEmailAddress", r.InvitedUserEmailAddress)
	if err != nil {
		return nil, err
	}
	redirect := strings.TrimSpace(r.InviteRedirectURL)
	if redirect == "" {
		redirect = s.opts.PublicBaseURL
	} else if redirect, err = validHTTPURL("inviteRedirectUrl", redirect); err != nil {
		return nil, err
	}
	name := ""
	if strings.TrimSpace(r.InvitedUserDisplayName) != "" {
		if name, err = validDisplayName("invitedUserDisplayName", r.InvitedUserDisplayName); err != nil {
			return nil, err
		}
	}
	body, err := validOptionalMultiline("invitedUserMessageInfo.customizedMessageBody", r.CustomizedMessageBody, maxMessageBody)
	if err != nil {
		return nil, err
	}
	userType := r.InvitedUserType
	switch userType {
	case "":
		userType = Guest
	case Guest, Member:
	default:
		return nil, Invalidf("invitedUserType", "invitedUserType must be Guest or Member, not %q", userType)
	}
	tok, tokHash, err := newToken()
	if err != nil {
		return nil, Internal(err)
	}
	return &preparedInvite{addr: addr, redirect: redirect, name: name, body: body, userType: userType,
		send: r.SendInvitationMessage, tok: tok, tokHash: tokHash}, nil
}

// invite does Invite's writes in the op, for a caller who may invite
// into t.
func (o *op) invite(t *Tenant, p *preparedInvite) (*InviteResult, error) {
	s, tenantID := o.s, t.ID
	addr, name, userType := p.addr, p.name, p.userType
	if userType == Member && !o.c.may(tenantID, permManage) {
		// As in Entra: a Guest Inviter brings in guests; making
		// someone from elsewhere a member is for administrators.
		return nil, Errorf(KindForbidden, "only a Global or User Administrator may invite a user as a Member; invite them as a Guest")
	}
	existing, err := o.liveUserWithAddress(tenantID, addr, t.InitialDomain)
	if err != nil {
		return nil, err
	}
	inv := &Invitation{
		ID: s.newID(), TenantID: tenantID, InvitedEmail: addr, InvitedDisplayName: name,
		InviteRedirectURL: p.redirect, CustomizedMessageBody: p.body, SendInvitationMessage: p.send,
		InvitedUserType: userType, TokenHash: p.tokHash, Status: InvitationPending,
		CreatedAt: o.now, ExpiresAt: o.now.Add(s.opts.InvitationTTL),
	}
	if o.c.user != nil {
		inv.InvitedByUserID = o.c.user.ID
	}
	var u *User
	switch {
	case existing != nil && !existing.External():
		return nil, Errorf(KindConflict, "%s is a member of %s and cannot be invited", addr, t.DisplayName)
	case existing != nil && existing.ExternalUserState == Accepted:
		last, err := o.latestInvitation(existing)
		if err != nil {
			return nil, err
		}
		return &InviteResult{Invitation: last, User: existing, Resent: true}, nil
	case existing != nil:
		// Resend to a pending guest: earlier links stop working now.
		u = existing
		inv.InvitedUserType = u.UserType
		if err := o.supersedePendingInvitations(u); err != nil {
			return nil, err
		}
	default:
		if name == "" {
			// Until redemption brings the person's own name (the
			// invitation keeps none, so Redeem knows to take it).
			name, _, _ = strings.Cut(addr, "@")
		}
		upn := guestUPN(addr, t.InitialDomain)
		changedAt := o.now
		u = &User{
			ID: s.newID(), TenantID: tenantID, UserPrincipalName: upn, Mail: addr, DisplayName: name,
			UserType: userType, AccountEnabled: true, CreatedAt: o.now, CreationType: CreationTypeInvitation,
			ExternalUserState: PendingAcceptance, ExternalUserStateChangeDateTime: &changedAt,
			Identities: []ObjectIdentity{{SignInType: SignInTypeUserPrincipalName, Issuer: t.InitialDomain, IssuerAssignedID: upn}},
		}
		if err := o.tx.CreateUser(o.ctx, u); err != nil {
			if IsKind(err, KindConflict) {
				return nil, Errorf(KindConflict, "a user with userPrincipalName %s already exists", upn)
			}
			return nil, err
		}
		if err := o.audit(o.event(tenantID, ActivityAddUser, CategoryUserManagement, opAdd, userTarget(u))); err != nil {
			return nil, err
		}
	}
	inv.UserID = u.ID
	if err := o.tx.CreateInvitation(o.ctx, inv); err != nil {
		return nil, err
	}
	res := &InviteResult{Invitation: inv, User: u, RedeemToken: p.tok, RedeemURL: s.redeemURL(p.tok), Resent: existing != nil}
	if inv.SendInvitationMessage {
		if err := o.tx.EnqueueMail(o.ctx, s.invitationMail(o, t, inv, res.RedeemURL)); err != nil {
			return nil, err
		}
	}
	e := o.event(tenantID, ActivityInviteExternalUser, CategoryUserManagement, opAdd, userTarget(u))
	if res.Resent {
		e.AdditionalDetails = []KeyValue{{Key: "invitationResent", Value: "true"}}
	}
	if err := o.audit(e); err != nil {
		return nil, err
	}
	return res, nil
}

// liveUserWithAddress finds the live user whose mail, or whose own UPN, is
// addr, or whose guest UPN is the one addr would get.
func (o *op) liveUserWithAddress(tenantID, addr, domain string) (*User, error) {
	for _, find := range []func() (*User, error){
		func() (*User, error) { return o.tx.GetUserByMail(o.ctx, tenantID, addr) },
		func() (*User, error) { return o.tx.GetUserByUPN(o.ctx, tenantID, addr) },
		func() (*User, error) { return o.tx.GetUserByUPN(o.ctx, tenantID, guestUPN(addr, domain)) },
	} {
		u, err := find()
		if err == nil {
			return u, nil
		}
		if !IsKind(err, KindNotFound) {
			return nil, err
		}
	}
	return nil, nil
}

// latestInvitation returns the newest invitation of an invited user.
func (o *op) latestInvitation(u *User) (*Invitation, error) {
	invs, err := o.tx.ListInvitationsByUser(o.ctx, u.TenantID, u.ID)
	if err != nil {
		return nil, err
	}
	var last *Invitation
	for _, inv := range invs {
		if last == nil || inv.CreatedAt.After(last.CreatedAt) {
			last = inv
		}
	}
	if last == nil {
		// Invited long ago by a path that kept no record: report the state.
		last = &Invitation{TenantID: u.TenantID, UserID: u.ID, InvitedEmail: u.Mail, InvitedUserType: u.UserType, Status: InvitationCompleted}
	}
	last.TokenHash = nil
	return last, nil
}

// supersedePendingInvitations marks every pending invitation of u
// superseded now, so that only the newest redeem link works and the older
// ones say why they do not.
func (o *op) supersedePendingInvitations(u *User) error {
	invs, err := o.tx.ListInvitationsByUser(o.ctx, u.TenantID, u.ID)
	if err != nil {
		return err
	}
	for _, inv := range invs {
		if inv.Status == InvitationPending && inv.RedeemedAt == nil && inv.SupersededAt == nil {
			at := o.now
			inv.SupersededAt = &at
			if err := o.tx.UpdateInvitation(o.ctx, inv); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) redeemURL(tok string) string {
	return strings.TrimRight(s.opts.PublicBaseURL, "/") + "/redeem?token=" + url.QueryEscape(tok)
}

func (s *Service) invitationMail(o *op, t *Tenant, inv *Invitation, link string) *OutboxMessage {
	// The organization invites, not the inviter by name: the outbox keeps
	// the message after its sender's account may be erased, and an erased
	// person's name must not stay behind in someone else's e-mail.
	var b strings.Builder
	fmt.Fprintf(&b, "%s invited you to access applications within their organization.\n\n", t.DisplayName)
	if inv.CustomizedMessageBody != "" {
		fmt.Fprintf(&b, "Message from %s:\n%s\n\n", t.DisplayName, inv.CustomizedMessageBody)
	}
	fmt.Fprintf(&b, "Accept the invitation: %s\n\nThis link works once and expires on %s.\n", link, inv.ExpiresAt.Format("2 January 2006 15:04 MST"))
	if t.Settings.PrivacyStatementURL != "" {
		fmt.Fprintf(&b, "\n%s's privacy statement: %s\n", t.DisplayName, t.Settings.PrivacyStatementURL)
	}
	return &OutboxMessage{
		ID: s.newID(), TenantID: t.ID, To: inv.InvitedEmail,
		Subject: fmt.Sprintf("You're invited to the %s organization", t.DisplayName),
		Body:    b.String(), CreatedAt: o.now,
		State: MailPending, NextAttemptAt: o.now,
	}
}

// LookupInvitation finds the invitation of a redeem token (anyone holding
// the token may see which tenant invites them). Unknown is KindNotFound,
// used KindInvitationUsed, replaced by a resend KindInvitationSuperseded,
// expired KindInvitationExpired, in that order.
func (s *Service) LookupInvitation(ctx context.Context, token string) (*Invitation, *Tenant, error) {
	var inv *Invitation
	var t *Tenant
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if inv, err = findInvitation(ctx, tx, token, s.clock()); err != nil {
			return err
		}
		t, err = tx.GetTenant(ctx, inv.TenantID)
		return err
	})
	if err != nil {
		return nil, nil, wrap(err)
	}
	inv.TokenHash = nil
	return inv, t, nil
}
