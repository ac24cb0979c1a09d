package directory

import (
	"context"
	"slices"
	"strings"
)

// App role assignments of principals other than users, through Graph's
// servicePrincipals/{id}/appRoleAssignedTo: a group's roles of one of the
// tenant's apps (its members hold them in their tokens), and the
// application permissions of orgdir's API granted to an app (they are the
// roles of the app's app-only tokens for orgdir's API).
//
// Granting a permission of orgdir's API is admin consent to an
// application permission: a Global Administrator's, as in Entra.

// AssignAppRoleTo assigns principalID (a user, a group or an application
// of the tenant) the role appRoleID of resourceID (an app of the tenant,
// or OrgdirAPIAppID). For orgdir's API the role may be named by its
// value (User.Read.All).
func (s *Service) AssignAppRoleTo(ctx context.Context, tenantID, resourceID, principalID, appRoleID string) (*AppRoleAssignment, error) {
	if !ValidID(principalID) {
		return nil, Invalidf("principalId", "principalId %q is not a UUID", principalID)
	}
	if resourceID == OrgdirAPIAppID {
		return s.grantAPIPermission(ctx, tenantID, principalID, appRoleID)
	}
	kind, err := readResult(s, ctx, func(o *op) (string, error) {
		// Refused before the principal is looked up, so that the answer
		// does not tell a user from a group from nothing.
		if err := o.c.requireObject(tenantID, permManage, "application"); err != nil {
			return "", err
		}
		if _, err := o.tx.GetUser(o.ctx, tenantID, principalID); err == nil {
			return PrincipalUser, nil
		}
		if _, err := o.tx.GetGroup(o.ctx, tenantID, principalID); err == nil {
			return PrincipalGroup, nil
		}
		return "", Errorf(KindNotFound, "principalId %s is no user or group of this organization", principalID)
	})
	if err != nil {
		return nil, err
	}
	if kind == PrincipalUser {
		a, err := s.AssignAppRole(ctx, tenantID, principalID, resourceID, appRoleID)
		if a != nil {
			a.PrincipalType = PrincipalUser
		}
		return a, err
	}
	return s.assignGroupAppRole(ctx, tenantID, principalID, resourceID, appRoleID)
}

func (s *Service) assignGroupAppRole(ctx context.Context, tenantID, groupID, appID, appRoleID string) (*AppRoleAssignment, error) {
	if appRoleID == "" {
		appRoleID = DefaultAppRoleID
	}
	if !ValidID(appRoleID) {
		return nil, Invalidf("appRoleId", "appRoleId %q is not a UUID", appRoleID)
	}
	return writeResult(s, ctx, func(o *op) (*AppRoleAssignment, error) {
		if err := o.c.require(tenantID, permManage); err != nil {
			return nil, err
		}
		g, err := o.group(tenantID, groupID)
		if err != nil {
			return nil, err
		}
		a, err := o.application(tenantID, appID)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(a.AppRoles, func(r AppRole) bool { return r.ID == appRoleID })
		if i < 0 {
			return nil, Invalidf("appRoleId", "application %s has no role %s", a.DisplayName, appRoleID)
		}
		have, err := o.tx.ListGroupAppRoleAssignments(o.ctx, tenantID, g.ID)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(have, func(x *AppRoleAssignment) bool { return x.ResourceID == a.ID && x.AppRoleID == appRoleID }) {
			return nil, Errorf(KindConflict, "the group %s already has the role %s of %s", g.DisplayName, a.AppRoles[i].DisplayName, a.DisplayName)
		}
		out := &AppRoleAssignment{ID: s.newID(), TenantID: tenantID, PrincipalID: g.ID, PrincipalType: PrincipalGroup,
			ResourceID: a.ID, AppRoleID: appRoleID, CreatedAt: o.now}
		if err := o.tx.CreateGroupAppRoleAssignment(o.ctx, out); err != nil {
			return nil, err
		}
		gt := groupTarget(g)
		gt.ModifiedProperties = []ModifiedProperty{{DisplayName: "AppRole.Value", NewValue: jsonValue(a.AppRoles[i].Value)}}
		return out, o.audit(o.event(tenantID, ActivityAddAppRoleToGroup, CategoryApplicationManagement, opAssign, gt, appTarget(a)))
	})
}

func (s *Service) grantAPIPermission(ctx context.Context, tenantID, appID, permission string) (*AppRoleAssignment, error) {
	p, ok := LookupAPIPermission(permission)
	if !ok {
		return nil, Invalidf("appRoleId", "%q is no permission of orgdir's API; it has User.Read.All, User.ReadWrite.All, Group.ReadWrite.All, AuditLog.Read.All and Directory.ReadWrite.All", permission)
	}
	return writeResult(s, ctx, func(o *op) (*AppRoleAssignment, error) {
		if err := o.c.require(tenantID, permSettings); err != nil {
			return nil, Errorf(KindForbidden, "only a Global Administrator may grant an application permission of orgdir's API")
		}
		a, err := o.application(tenantID, appID)
		if IsKind(err, KindNotFound) {
			return nil, Errorf(KindNotFound, "principalId %s is no application of this organization", appID)
		}
		if err != nil {
			return nil, err
		}
		have, err := o.tx.ListAPIPermissionGrants(o.ctx, tenantID, a.ID)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(have, func(x *AppRoleAssignment) bool { return x.AppRoleID == p.ID }) {
			return nil, Errorf(KindConflict, "%s already has the permission %s", a.DisplayName, p.Value)
		}
		out := &AppRoleAssignment{ID: s.newID(), TenantID: tenantID, PrincipalID: a.ID, PrincipalType: PrincipalServicePrincipal,
			ResourceID: OrgdirAPIAppID, AppRoleID: p.ID, CreatedAt: o.now}
		if err := o.tx.CreateAPIPermissionGrant(o.ctx, out); err != nil {
			return nil, err
		}
		at := appTarget(a)
		at.ModifiedProperties = []ModifiedProperty{{DisplayName: "AppRole.Value", NewValue: jsonValue(p.Value)}}
		return out, o.audit(o.event(tenantID, ActivityAddAppRoleToSP, CategoryApplicationManagement, opAssign, at,
			appTarget(OrgdirAPIApplication(tenantID))))
	})
}

// RemoveAppRoleAssignedTo removes the assignment assignmentID of any
// principal to resourceID (an app of the tenant, or OrgdirAPIAppID).
func (s *Service) RemoveAppRoleAssignedTo(ctx context.Context, tenantID, resourceID, assignmentID string) error {
	if !ValidID(assignmentID) || !ValidID(resourceID) {
		return notFound("app role assignment")
	}
	var userID string
	err := s.write(ctx, func(o *op) error {
		if !o.c.inTenant(tenantID) {
			return notFound("app role assignment")
		}
		x, err := o.tx.GetAppRoleAssignment(o.ctx, tenantID, assignmentID)
		if IsKind(err, KindNotFound) || err == nil && x.ResourceID != resourceID {
			return notFound("app role assignment")
		}
		if err != nil {
			return err
		}
		switch x.PrincipalType {
		case PrincipalUser:
			userID = x.PrincipalID // RemoveAppRoleAssignment's rules, below
			return nil
		case PrincipalServicePrincipal:
			if err := o.c.require(tenantID, permSettings); err != nil {
				return Errorf(KindForbidden, "only a Global Administrator may remove an application permission of orgdir's API")
			}
		default:
			if err := o.c.require(tenantID, permManage); err != nil {
				return err
			}
		}
		activity, target := ActivityRemoveAppRoleFromSP, AuditTarget{ID: x.PrincipalID, Type: targetApplication}
		resource := OrgdirAPIApplication(tenantID)
		if x.PrincipalType == PrincipalGroup {
			activity, target = ActivityRemoveAppRoleFromGroup, AuditTarget{ID: x.PrincipalID, Type: targetGroup}
			if g, err := o.tx.GetGroup(o.ctx, tenantID, x.PrincipalID); err == nil {
				target = groupTarget(g)
			}
			if resource, err = o.tx.GetApplication(o.ctx, tenantID, x.ResourceID); err != nil {
				return err
			}
		} else if a, err := o.tx.GetApplication(o.ctx, tenantID, x.PrincipalID); err == nil {
			target = appTarget(a)
		}
		if err := o.tx.DeleteAppRoleAssignment(o.ctx, tenantID, x.ID); err != nil {
			return err
		}
		return o.audit(o.event(tenantID, activity, CategoryApplicationManagement, opUnassign, target, appTarget(resource)))
	})
	if err != nil || userID == "" {
		return err
	}
	return s.RemoveAppRoleAssignment(ctx, tenantID, userID, assignmentID)
}

// ListAPIPermissions lists the permissions of orgdir's API granted to
// the application appID (Graph's servicePrincipals/{id}/appRoleAssignments).
func (s *Service) ListAPIPermissions(ctx context.Context, tenantID, appID string) ([]*AppRoleAssignment, error) {
	return readResult(s, ctx, func(o *op) ([]*AppRoleAssignment, error) {
		a, err := o.application(tenantID, appID)
		if err != nil {
			return nil, err
		}
		if err := o.c.require(tenantID, permRead); err != nil {
			return nil, err
		}
		return o.tx.ListAPIPermissionGrants(o.ctx, tenantID, a.ID)
	})
}

// APIAccess is what a verified access token for orgdir's API says: a
// user's (delegated, GrantID set) or an application's own (app-only).
type APIAccess struct {
	TenantID string
	GrantID  string
	UserID   string
	AppID    string
	Roles    []string
	// Scopes are a delegated token's scopes (scp), as issued.
	Scopes []string
}

// delegatedScopes are the permissions of orgdir's API among a delegated
// token's scopes ("00000003-…/User.Read.All" → "User.Read.All"), or nil,
// no bound, when it was asked for with "/.default" (every permission the
// user holds, as Entra's .default with consent given).
func delegatedScopes(scopes []string) []string {
	out := []string{}
	for _, s := range scopes {
		name, ok := strings.CutPrefix(s, OrgdirAPIAppID+"/")
		if !ok {
			continue
		}
		if name == ".default" {
			return nil
		}
		out = append(out, name)
	}
	return out
}

// AuthenticateAPIAccess returns the actor of a verified access token of
// orgdir's API, read again now: a delegated token acts as its user while
// its grant stands (leave, delete, disable and revocation end it, exactly
// as at userinfo); an app-only token acts as its application while the
// app exists, with the permissions of its roles still granted (both read
// by every operation, see loadAppCaller).
func (s *Service) AuthenticateAPIAccess(ctx context.Context, a APIAccess) (Actor, error) {
	if a.GrantID != "" {
		in, err := s.GrantSignIn(ctx, a.TenantID, a.GrantID)
		if err != nil {
			msg := "the access token is no longer valid: " + AsError(err).Message
			s.recordAPITokenRefusal(ctx, a, msg)
			return Actor{}, unauthenticated(msg)
		}
		if in.UserID != a.UserID {
			return Actor{}, unauthenticated("the access token is not valid")
		}
		s.touchTokenUse(ctx, &User{TenantID: a.TenantID, ID: in.UserID, LastNonInteractiveSignInAt: in.lastTokenUse}, s.clock())
		actor := UserActor(a.TenantID, in.UserID)
		actor.DelegatedScopes = delegatedScopes(a.Scopes)
		return actor, nil
	}
	// Whether the app still exists, and which of its roles are still
	// granted, is read in each operation's own transaction (loadAppCaller).
	if !ValidID(a.AppID) || !ValidID(a.TenantID) {
		return Actor{}, unauthenticated("the access token is not valid")
	}
	return AppActor(a.TenantID, a.AppID, slices.Clone(a.Roles)), nil
}

// recordAPITokenRefusal writes the sign-in log's record of a delegated
// token of orgdir's API refused after its signature was verified (so
// nobody can fill the log with forged tokens): the token's tenant, its
// user while the user exists, and why.
func (s *Service) recordAPITokenRefusal(ctx context.Context, a APIAccess, msg string) {
	if !ValidID(a.TenantID) {
		return
	}
	code := credentialRefusalCode(msg)
	switch {
	case strings.Contains(msg, "grant was ended"):
		code = SignInTokenRevoked
	case strings.Contains(msg, "grant has expired"):
		code = SignInTokenExpired
	}
	e := s.signInRecord(ctx, a.TenantID, MethodToken, false).failed(code, msg)
	if ValidID(a.UserID) {
		_ = s.store.Read(ctx, func(tx Tx) error {
			if u, err := tx.GetUser(ctx, a.TenantID, a.UserID); err == nil {
				e.naming(u)
			}
			return nil
		})
	}
	_ = s.recordSignIn(ctx, e)
}

// apiRoles are the values of the permissions of orgdir's API granted to
// app, for its app-only token.
func (o *op) apiRoles(tenantID, appID string) ([]string, error) {
	grants, err := o.tx.ListAPIPermissionGrants(o.ctx, tenantID, appID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, g := range grants {
		if p, ok := LookupAPIPermission(g.AppRoleID); ok {
			out = append(out, p.Value)
		}
	}
	slices.Sort(out)
	return out, nil
}

// APIServicePrincipal returns orgdir's API as a service principal of
// tenantID (its app roles are the permissions), to the tenant's members,
// so a script can find a permission's id as it would Graph's.
func (s *Service) APIServicePrincipal(ctx context.Context, tenantID string) (*Application, error) {
	return readResult(s, ctx, func(o *op) (*Application, error) {
		if _, err := o.permittedTenant(tenantID, permRead); err != nil {
			return nil, err
		}
		return OrgdirAPIApplication(tenantID), nil
	})
}
