package directory

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Signing in to a tenant's application (OpenID Connect): who may, and what
// the tokens say. The protocol layer (internal/oidcprovider) only carries
// the answer; the rules are here.

// Entra's codes for the refusals of an app sign-in; each starts the
// refusal's message, as Entra starts error_description with it.
const (
	CodeTenantNotFound = "AADSTS90002"  // no such tenant
	CodeAppNotFound    = "AADSTS700016" // no such application in the tenant
	CodeNoAccount      = "AADSTS50020"  // the person has no (live) account in the tenant
	CodeDisabled       = "AADSTS50057"  // the account is disabled, at home or in the tenant
	CodeNotAssigned    = "AADSTS50105"  // the app requires an assignment the user lacks
)

// AppSignIn is a person's sign-in to an application of a tenant: the
// claims of its tokens, as Entra v2.0 names them.
type AppSignIn struct {
	TenantID string // tid
	AppID    string // aud: the client id
	AppName  string
	UserID   string // oid: the user object in this tenant
	// Subject is sub: pairwise, one value per user and app, so that two
	// apps cannot join their users by it (as Entra).
	Subject           string
	Name              string // name
	PreferredUsername string // preferred_username: the UPN
	Email             string // email, when the user has one
	// IdentityProvider is idp: "" for a member (the issuer itself), the
	// home tenant's issuer for a guest of another tenant here, "mail" for
	// a passcode guest.
	IdentityProvider string
	Guest            bool     // acct: 1 for a guest, 0 for a member
	Roles            []string // values of the app roles assigned to the user, directly or through a group
	// Groups are the object ids of the user's groups, only for an app
	// whose groupMembershipClaims is set (as Entra's groups claim).
	Groups    []string
	AuthTime  time.Time
	SessionID string // sid

	// lastTokenUse is the user's LastNonInteractiveSignInAt as read for
	// the grant, so that a token's use writes only when it is stale.
	lastTokenUse *time.Time
}

// Issuer is the v2.0 issuer of a tenant: {base-url}/{tenant-id}/v2.0.
func (s *Service) Issuer(tenantID string) string {
	return strings.TrimRight(s.opts.PublicBaseURL, "/") + "/" + tenantID + "/v2.0"
}

func appRefusal(code string, contact *Contact, msg string) *Error {
	return &Error{Kind: KindAppSignInRefused, Code: code, Message: code + ": " + msg, Contact: contact}
}

// pairwiseSubject is sub for userID in appID. It is a digest, not a secret:
// it keeps apps apart, it does not hide the oid (which the tokens carry).
func pairwiseSubject(appID, userID string) string {
	h := sha256.Sum256([]byte("orgdir-sub\x00" + appID + "\x00" + userID))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// AuthorizeAppSignIn decides whether the person of the browser session
// sess may sign in to application clientID of tenantID, and returns the
// claims of the sign-in. It reads everything again, so a leave, a disable
// or a revocation on any instance counts at once. Refusals are
// KindAppSignInRefused with Entra's code (CodeNoAccount, CodeDisabled,
// CodeNotAssigned, CodeAppNotFound, CodeTenantNotFound) and the tenant's
// contact; a session that ended, or a guest sign-in revoked since the
// session began, is KindUnauthenticated (sign in again).
// Every decision about a known tenant is recorded in its sign-in log, with
// the app: this is the one place every app sign-in passes.
func (s *Service) AuthorizeAppSignIn(ctx context.Context, sess *Session, tenantID, clientID string) (*AppSignIn, error) {
	if sess == nil {
		return nil, unauthenticated("not signed in")
	}
	now := s.clock()
	var out *AppSignIn
	var rec *SignInEvent // set once the tenant is known
	err := s.store.Read(ctx, func(tx Tx) error {
		o := s.newOp(ctx, tx, nil)
		cur, err := tx.GetSessionByHash(ctx, sess.TokenHash)
		if IsKind(err, KindNotFound) {
			return unauthenticated("your session has ended; sign in again")
		}
		if err != nil {
			return err
		}
		if cur.RevokedAt != nil || !now.Before(cur.ExpiresAt) {
			return unauthenticated("your session has ended; sign in again")
		}
		p, why, err := o.sessionPerson(cur)
		if err != nil {
			return err
		}
		if why != "" {
			return unauthenticated(why)
		}
		if !ValidID(tenantID) {
			return appRefusal(CodeTenantNotFound, nil, "no organization "+tenantID+" is known here")
		}
		t, err := tx.GetTenant(ctx, tenantID)
		if IsKind(err, KindNotFound) {
			return appRefusal(CodeTenantNotFound, nil, "no organization "+tenantID+" is known here")
		}
		if err != nil {
			return err
		}
		rec = s.guestRecord(ctx, cur, tenantID)
		rec.AppID, rec.AppDisplayName = "", ""
		if ValidID(clientID) {
			rec.AppID = clientID
		}
		var app *Application
		if ValidID(clientID) {
			if app, err = tx.GetApplication(ctx, tenantID, clientID); err != nil && !IsKind(err, KindNotFound) {
				return err
			}
		}
		if app == nil {
			return appRefusal(CodeAppNotFound, t.Contact(), "application "+clientID+" was not found in "+t.DisplayName)
		}
		rec.AppDisplayName = app.DisplayName
		u, err := o.userOfPerson(p, tenantID)
		if err != nil {
			return err
		}
		rec.naming(u)
		if u != nil && p.home != nil && u.ID == p.home.ID {
			rec.HomeTenantID = "" // a member at home
		}
		switch {
		case u == nil:
			return appRefusal(CodeNoAccount, t.Contact(), "you have no account in "+t.DisplayName+"; ask its administrator to invite you")
		case u.Deleted():
			return appRefusal(CodeNoAccount, t.Contact(), "your account in "+t.DisplayName+" was deleted")
		case u.External() && u.ExternalUserState != Accepted:
			return appRefusal(CodeNoAccount, t.Contact(), "accept your invitation to "+t.DisplayName+" first")
		case !u.AccountEnabled:
			return appRefusal(CodeDisabled, t.Contact(), "your account in "+t.DisplayName+" is disabled")
		case p.home != nil && u.ID != p.home.ID && !u.IssuedValid(cur.CreatedAt):
			return unauthenticated("your sign-in to " + t.DisplayName + " was ended; sign in again")
		}
		if out, err = o.appClaims(t, app, u); err != nil {
			return err
		}
		out.AuthTime, out.SessionID = cur.CreatedAt, cur.ID
		return nil
	})
	if rec != nil {
		if e := AsError(err); err != nil && e.Kind == KindAppSignInRefused {
			code, _ := strconv.Atoi(strings.TrimPrefix(e.Code, "AADSTS"))
			_ = s.recordSignIn(ctx, rec.failed(code, strings.TrimPrefix(e.Message, e.Code+": ")))
		} else if err == nil {
			if rerr := s.recordSignIn(ctx, rec); rerr != nil {
				return nil, rerr
			}
		}
	}
	if err != nil {
		return nil, wrap(err)
	}
	return out, nil
}

// appClaims are the claims of u's sign-in to app of tenant t, or the
// refusal CodeNotAssigned when the app requires an assignment u lacks.
func (o *op) appClaims(t *Tenant, app *Application, u *User) (*AppSignIn, error) {
	grants, err := o.tx.ListAppRoleAssignments(o.ctx, u.TenantID, u.ID)
	if err != nil {
		return nil, err
	}
	var roles []string
	assigned := false
	for _, g := range grants {
		if g.ResourceID != app.ID {
			continue
		}
		assigned = true
		if i := slices.IndexFunc(app.AppRoles, func(r AppRole) bool { return r.ID == g.AppRoleID }); i >= 0 && app.AppRoles[i].Value != "" {
			roles = append(roles, app.AppRoles[i].Value)
		}
	}
	// Roles assigned to a group the user is in (directly: orgdir's groups
	// do not nest) count as the user's, for the claim and for
	// assignment-required; read now, so a membership removed shows in the
	// next token.
	groups, err := o.tx.ListMemberOf(o.ctx, u.TenantID, u.ID)
	if err != nil {
		return nil, err
	}
	var groupIDs []string
	for _, g := range groups {
		groupIDs = append(groupIDs, g.ID)
		gas, err := o.tx.ListGroupAppRoleAssignments(o.ctx, u.TenantID, g.ID)
		if err != nil {
			return nil, err
		}
		for _, ga := range gas {
			if ga.ResourceID != app.ID {
				continue
			}
			assigned = true
			if i := slices.IndexFunc(app.AppRoles, func(r AppRole) bool { return r.ID == ga.AppRoleID }); i >= 0 && app.AppRoles[i].Value != "" {
				roles = append(roles, app.AppRoles[i].Value)
			}
		}
	}
	if app.AppRoleAssignmentRequired && !assigned {
		return nil, appRefusal(CodeNotAssigned, t.Contact(), "you are not assigned to "+app.DisplayName+"; ask an administrator of "+t.DisplayName+" for access")
	}
	slices.Sort(roles)
	in := &AppSignIn{TenantID: u.TenantID, AppID: app.ID, AppName: app.DisplayName, UserID: u.ID,
		Subject: pairwiseSubject(app.ID, u.ID), Name: u.DisplayName, PreferredUsername: u.UserPrincipalName,
		Email: u.Mail, Guest: u.UserType == Guest, Roles: slices.Compact(roles)}
	if app.GroupMembershipClaims != "" {
		slices.Sort(groupIDs)
		in.Groups = groupIDs
	}
	switch {
	case u.HomeEmailIdentityID != "":
		in.IdentityProvider = "mail"
	case u.HomeUserID != "":
		home, err := o.homeUser(u)
		if err != nil {
			return nil, err
		}
		in.IdentityProvider = o.s.Issuer(home.TenantID)
	}
	return in, nil
}

// userOfPerson is the person's user object in tenantID (a member's own
// user, or the guest bound to them; live or deleted), or nil.
func (o *op) userOfPerson(p *person, tenantID string) (*User, error) {
	if p.home != nil && p.home.TenantID == tenantID {
		return p.home, nil
	}
	users, err := o.bound(p)
	if err != nil {
		return nil, err
	}
	var found *User
	for _, u := range users {
		if u.TenantID != tenantID {
			continue
		}
		if found == nil || found.Deleted() && !u.Deleted() {
			found = u
		}
	}
	return found, nil
}
