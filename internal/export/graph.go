package export

import "github.com/orgdir/orgdir/internal/directory"

// The Graph shapes of the entities an export holds, as the API renders
// them (internal/httpapi: userObject, groupObject, organizationObject,
// assignmentObject, auditObject; TestExportUsesTheAPIShapes there keeps
// them equal).

func userObject(u *directory.User) object {
	ids := make([]object, 0, len(u.Identities))
	for _, id := range u.Identities {
		ids = append(ids, object{{"signInType", id.SignInType}, {"issuer", id.Issuer}, {"issuerAssignedId", id.IssuerAssignedID}})
	}
	return object{
		{"@odata.type", "#microsoft.graph.user"},
		{"id", u.ID},
		{"displayName", u.DisplayName},
		{"userPrincipalName", u.UserPrincipalName},
		{"mail", strOrNull(u.Mail)},
		{"userType", string(u.UserType)},
		{"accountEnabled", u.AccountEnabled},
		{"createdDateTime", timestamp(u.CreatedAt)},
		{"creationType", strOrNull(u.CreationType)},
		{"externalUserState", strOrNull(string(u.ExternalUserState))},
		{"externalUserStateChangeDateTime", timestampOrNull(u.ExternalUserStateChangeDateTime)},
		{"identities", ids},
		{"deletedDateTime", timestampOrNull(u.DeletedAt)},
	}
}

func groupObject(g *directory.Group) object {
	return object{
		{"@odata.type", "#microsoft.graph.group"},
		{"id", g.ID},
		{"displayName", g.DisplayName},
		{"description", strOrNull(g.Description)},
		{"createdDateTime", timestamp(g.CreatedAt)},
		{"groupTypes", []string{}},
		{"mailEnabled", false},
		{"securityEnabled", true},
	}
}

func organizationObject(t *directory.Tenant) object {
	return object{
		{"@odata.type", "#microsoft.graph.organization"},
		{"id", t.ID},
		{"displayName", t.DisplayName},
		{"createdDateTime", timestamp(t.CreatedAt)},
		{"verifiedDomains", []object{{
			{"capabilities", "None"}, {"isDefault", true}, {"isInitial", true},
			{"name", t.InitialDomain}, {"type", "Managed"},
		}}},
		{"privacyProfile", object{
			{"contactEmail", strOrNull(t.Settings.PrivacyContactEmail)},
			{"statementUrl", strOrNull(t.Settings.PrivacyStatementURL)},
		}},
		{"extension_orgdir_deletedUserRetentionInDays", t.Settings.RetentionDays},
	}
}

// assignmentObject leaves the application's name out: it is the tenant's
// data, not the person's.
func assignmentObject(as *directory.AppRoleAssignment, principalName string) object {
	return object{
		{"@odata.type", "#microsoft.graph.appRoleAssignment"},
		{"id", as.ID},
		{"appRoleId", as.AppRoleID},
		{"createdDateTime", timestamp(as.CreatedAt)},
		{"deletedDateTime", nil},
		{"principalDisplayName", principalName},
		{"principalId", as.PrincipalID},
		{"principalType", "User"},
		{"resourceDisplayName", nil},
		{"resourceId", as.ResourceID},
	}
}

func auditObject(e *directory.AuditEvent) object {
	var initiator object
	if e.Initiator.UserID != "" {
		initiator = object{{"app", nil}, {"user", object{
			{"id", e.Initiator.UserID},
			{"displayName", strOrNull(e.Initiator.DisplayName)},
			{"userPrincipalName", strOrNull(e.Initiator.UPN)},
		}}}
	} else {
		initiator = object{{"app", object{{"appId", nil}, {"displayName", strOrNull(e.Initiator.AppName)}}}, {"user", nil}}
	}
	targets := make([]object, 0, len(e.Targets))
	for _, t := range e.Targets {
		mods := make([]object, 0, len(t.ModifiedProperties))
		for _, m := range t.ModifiedProperties {
			mods = append(mods, object{{"displayName", m.DisplayName}, {"oldValue", strOrNull(m.OldValue)}, {"newValue", strOrNull(m.NewValue)}})
		}
		targets = append(targets, object{
			{"id", t.ID},
			{"displayName", strOrNull(t.DisplayName)},
			{"type", t.Type},
			{"userPrincipalName", strOrNull(t.UPN)},
			{"modifiedProperties", mods},
		})
	}
	details := make([]object, 0, len(e.AdditionalDetails))
	for _, kv := range e.AdditionalDetails {
		details = append(details, object{{"key", kv.Key}, {"value", kv.Value}})
	}
	return object{
		{"@odata.type", "#microsoft.graph.directoryAudit"},
		{"id", e.ID},
		{"category", e.Category},
		{"correlationId", strOrNull(e.CorrelationID)},
		{"result", e.Result},
		{"resultReason", e.ResultReason},
		{"activityDisplayName", e.Activity},
		{"activityDateTime", timestamp(e.Time)},
		{"loggedByService", "Core Directory"},
		{"operationType", e.OperationType},
		{"initiatedBy", initiator},
		{"targetResources", targets},
		{"additionalDetails", details},
	}
}
