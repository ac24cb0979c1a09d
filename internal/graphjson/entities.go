package graphjson

import (
	"slices"

	"github.com/orgdir/orgdir/internal/directory"
)

// RetentionProperty is where orgdir keeps the tenant's retention of
// deleted users on the organization: an extension property, named as
// Graph names extension properties, since Graph has no such setting.
const RetentionProperty = "extension_orgdir_deletedUserRetentionInDays"

// AccessTokenLifetimeProperty is the organization's lifetime of the
// access and ID tokens its OpenID Connect provider issues, in minutes
// (Entra sets it with a token lifetime policy, which Graph v1.0 keeps
// elsewhere; one number per tenant is all orgdir has).
const AccessTokenLifetimeProperty = "extension_orgdir_accessTokenLifetimeInMinutes"

// User renders a user as Graph's microsoft.graph.user.
func User(u *directory.User) Object {
	ids := make([]Object, 0, len(u.Identities))
	for _, id := range u.Identities {
		ids = append(ids, Object{{"signInType", id.SignInType}, {"issuer", id.Issuer}, {"issuerAssignedId", id.IssuerAssignedID}})
	}
	return Object{
		{"@odata.type", "#microsoft.graph.user"},
		{"id", u.ID},
		{"displayName", u.DisplayName},
		{"userPrincipalName", u.UserPrincipalName},
		{"mail", StrOrNull(u.Mail)},
		{"userType", string(u.UserType)},
		{"accountEnabled", u.AccountEnabled},
		{"createdDateTime", Timestamp(u.CreatedAt)},
		{"creationType", StrOrNull(u.CreationType)},
		{"externalUserState", StrOrNull(string(u.ExternalUserState))},
		{"externalUserStateChangeDateTime", TimestampOrNull(u.ExternalUserStateChangeDateTime)},
		{"identities", ids},
		{"deletedDateTime", TimestampOrNull(u.DeletedAt)},
		{"signInSessionsValidFromDateTime", Timestamp(u.CredentialsValidFrom())},
	}
}

// Group renders a group as Graph's microsoft.graph.group: orgdir's groups
// are security groups, not mail-enabled.
func Group(g *directory.Group) Object {
	return Object{
		{"@odata.type", "#microsoft.graph.group"},
		{"id", g.ID},
		{"displayName", g.DisplayName},
		{"description", StrOrNull(g.Description)},
		{"createdDateTime", Timestamp(g.CreatedAt)},
		{"groupTypes", []string{}},
		{"mailEnabled", false},
		{"securityEnabled", true},
	}
}

// Organization renders a tenant as Graph's microsoft.graph.organization.
func Organization(t *directory.Tenant) Object {
	return Object{
		{"@odata.type", "#microsoft.graph.organization"},
		{"id", t.ID},
		{"displayName", t.DisplayName},
		{"createdDateTime", Timestamp(t.CreatedAt)},
		{"verifiedDomains", []Object{{
			{"capabilities", "None"}, {"isDefault", true}, {"isInitial", true},
			{"name", t.InitialDomain}, {"type", "Managed"},
		}}},
		{"privacyProfile", PrivacyProfile(t)},
		{RetentionProperty, t.Settings.RetentionDays},
		{AccessTokenLifetimeProperty, t.Settings.AccessTokenMinutes},
	}
}

// PrivacyProfile is Graph's organization.privacyProfile of t.
func PrivacyProfile(t *directory.Tenant) Object {
	return Object{
		{"contactEmail", StrOrNull(t.Settings.PrivacyContactEmail)},
		{"statementUrl", StrOrNull(t.Settings.PrivacyStatementURL)},
	}
}

// AppRoleAssignment renders Graph's microsoft.graph.appRoleAssignment of
// the user named principalName. resourceName is the application's name,
// or nil (written null) where it is not to be shown: in a person's export
// it is the tenant's data, not theirs.
func AppRoleAssignment(as *directory.AppRoleAssignment, principalName string, resourceName *string) Object {
	ptype := as.PrincipalType
	if ptype == "" {
		ptype = directory.PrincipalUser
	}
	return Object{
		{"@odata.type", "#microsoft.graph.appRoleAssignment"},
		{"id", as.ID},
		{"appRoleId", as.AppRoleID},
		{"createdDateTime", Timestamp(as.CreatedAt)},
		{"deletedDateTime", nil},
		{"principalDisplayName", principalName},
		{"principalId", as.PrincipalID},
		{"principalType", ptype},
		{"resourceDisplayName", resourceName},
		{"resourceId", as.ResourceID},
	}
}

// DirectoryAudit renders an audit event as Graph's
// microsoft.graph.directoryAudit.
func DirectoryAudit(e *directory.AuditEvent) Object {
	var initiator Object
	if e.Initiator.UserID != "" {
		initiator = Object{{"app", nil}, {"user", Object{
			{"id", e.Initiator.UserID},
			{"displayName", StrOrNull(e.Initiator.DisplayName)},
			{"userPrincipalName", StrOrNull(e.Initiator.UPN)},
		}}}
	} else {
		app := Object{{"appId", StrOrNull(e.Initiator.AppID)}, {"displayName", StrOrNull(e.Initiator.AppName)}}
		if e.Initiator.AppID != "" { // an application acting as itself: orgdir's app and service principal are one object
			app = append(app, Member{Key: "servicePrincipalId", Value: e.Initiator.AppID})
		}
		initiator = Object{{"app", app}, {"user", nil}}
	}
	targets := make([]Object, 0, len(e.Targets))
	for _, t := range e.Targets {
		mods := make([]Object, 0, len(t.ModifiedProperties))
		for _, m := range t.ModifiedProperties {
			mods = append(mods, Object{{"displayName", m.DisplayName}, {"oldValue", StrOrNull(m.OldValue)}, {"newValue", StrOrNull(m.NewValue)}})
		}
		targets = append(targets, Object{
			{"id", t.ID},
			{"displayName", StrOrNull(t.DisplayName)},
			{"type", t.Type},
			{"userPrincipalName", StrOrNull(t.UPN)},
			{"modifiedProperties", mods},
		})
	}
	details := make([]Object, 0, len(e.AdditionalDetails))
	for _, kv := range e.AdditionalDetails {
		details = append(details, Object{{"key", kv.Key}, {"value", kv.Value}})
	}
	return Object{
		{"@odata.type", "#microsoft.graph.directoryAudit"},
		{"id", e.ID},
		{"category", e.Category},
		{"correlationId", StrOrNull(e.CorrelationID)},
		{"result", e.Result},
		{"resultReason", e.ResultReason},
		{"activityDisplayName", e.Activity},
		{"activityDateTime", Timestamp(e.Time)},
		{"loggedByService", "Core Directory"},
		{"operationType", e.OperationType},
		{"initiatedBy", initiator},
		{"targetResources", targets},
		{"additionalDetails", details},
	}
}

// SignIn renders a sign-in record as Graph's microsoft.graph.signIn, with
// the home and resource tenant and the user type as Graph's beta has them
// (a guest's sign-in names both tenants).
func SignIn(e *directory.SignInEvent) Object {
	client := "Browser"
	if !e.Interactive {
		client = "Other clients"
	}
	var reason any
	if e.ErrorCode != directory.SignInSucceeded {
		reason = e.FailureReason
	}
	userType := ""
	switch e.UserType {
	case directory.Member:
		userType = "member"
	case directory.Guest:
		userType = "guest"
	}
	return Object{
		{"@odata.type", "#microsoft.graph.signIn"},
		{"id", e.ID},
		{"createdDateTime", Timestamp(e.Time)},
		{"userDisplayName", StrOrNull(e.UserDisplayName)},
		{"userPrincipalName", StrOrNull(e.UserPrincipalName)},
		{"userId", StrOrNull(e.UserID)},
		{"userType", StrOrNull(userType)},
		{"appId", StrOrNull(e.AppID)},
		{"appDisplayName", StrOrNull(e.AppDisplayName)},
		{"ipAddress", StrOrNull(e.ClientAddr)},
		{"clientAppUsed", client},
		{"correlationId", StrOrNull(e.CorrelationID)},
		{"isInteractive", e.Interactive},
		{"authenticationMethodsUsed", []string{e.Method}},
		{"resourceTenantId", e.TenantID},
		{"homeTenantId", StrOrNull(e.HomeTenantID)},
		{"status", Object{{"errorCode", e.ErrorCode}, {"failureReason", reason}, {"additionalDetails", nil}}},
	}
}

// SignInActivityProperty is the user property Graph returns only when
// $select names it.
const SignInActivityProperty = "signInActivity"

// SignInActivity renders Graph's microsoft.graph.signInActivity of u.
// orgdir counts successful sign-ins only, so lastSuccessfulSignInDateTime
// is the later of the two (docs/api.md).
func SignInActivity(u *directory.User) Object {
	last := u.LastSignInAt
	if n := u.LastNonInteractiveSignInAt; n != nil && (last == nil || n.After(*last)) {
		last = n
	}
	return Object{
		{"lastSignInDateTime", TimestampOrNull(u.LastSignInAt)},
		{"lastNonInteractiveSignInDateTime", TimestampOrNull(u.LastNonInteractiveSignInAt)},
		{"lastSuccessfulSignInDateTime", TimestampOrNull(last)},
	}
}

// UserFor renders users for a $select of sel: User, with signInActivity
// added only when sel names it, as Graph.
func UserFor(sel []string) func(*directory.User) Object {
	if !slices.Contains(sel, SignInActivityProperty) {
		return User
	}
	return func(u *directory.User) Object {
		return append(User(u), Member{SignInActivityProperty, SignInActivity(u)})
	}
}
