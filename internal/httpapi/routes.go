package httpapi

// routes lists every route of the API. Paths are Graph's; /me/organizations
// and its leave action are orgdir's own.
func (a *API) routes() {
	h := func(pattern string, fn handlerFunc) { a.mux.Handle(pattern, a.wrap(fn)) }

	h("GET /v1.0/users", a.handleListUsers)
	h("POST /v1.0/users", a.handleCreateUser)
	h("GET /v1.0/users/{id}", a.handleGetUser)
	h("PATCH /v1.0/users/{id}", a.handleUpdateUser)
	h("DELETE /v1.0/users/{id}", a.handleDeleteUser)
	h("GET /v1.0/users/{id}/memberOf", a.handleMemberOf)
	h("GET /v1.0/users/{id}/appRoleAssignments", a.handleListAssignments)
	h("POST /v1.0/users/{id}/appRoleAssignments", a.handleAssign)
	h("DELETE /v1.0/users/{id}/appRoleAssignments/{assignmentId}", a.handleUnassign)

	h("GET /v1.0/me", a.handleMe)
	h("GET /v1.0/me/memberOf", a.handleMyMemberOf)
	h("GET /v1.0/me/appRoleAssignments", a.handleMyAssignments)
	h("GET /v1.0/me/organizations", a.handleMyOrganizations)
	h("GET /v1.0/me/organizations/{tenantId}", a.handleMyOrganization)
	h("POST /v1.0/me/organizations/{tenantId}/leave", a.handleLeave)

	h("POST /v1.0/invitations", a.handleInvite)

	h("GET /v1.0/groups", a.handleListGroups)
	h("POST /v1.0/groups", a.handleCreateGroup)
	h("GET /v1.0/groups/{id}", a.handleGetGroup)
	h("GET /v1.0/groups/{id}/members", a.handleListMembers)
	h("POST /v1.0/groups/{id}/members/$ref", a.handleAddMember)
	h("DELETE /v1.0/groups/{id}/members/{memberId}/$ref", a.handleRemoveMember)

	h("GET /v1.0/applications", a.handleListApplications)
	h("POST /v1.0/applications", a.handleCreateApplication)
	h("GET /v1.0/applications/{id}", a.handleGetApplication)
	h("GET /v1.0/servicePrincipals", a.handleListServicePrincipals)
	h("GET /v1.0/servicePrincipals/{id}", a.handleGetServicePrincipal)

	// Graph's SDKs write the type cast short (graph.user); both spellings work.
	h("GET /v1.0/directory/deletedItems/microsoft.graph.user", a.handleListDeletedUsers)
	h("GET /v1.0/directory/deletedItems/graph.user", a.handleListDeletedUsers)
	h("GET /v1.0/directory/deletedItems/{id}", a.handleGetDeletedItem)
	h("DELETE /v1.0/directory/deletedItems/{id}", a.handlePermanentDelete)
	h("POST /v1.0/directory/deletedItems/{id}/restore", a.handleRestore)

	h("GET /v1.0/auditLogs/directoryAudits", a.handleListAudit)
	h("GET /v1.0/auditLogs/directoryAudits/{id}", a.handleGetAudit)

	h("GET /v1.0/organization", a.handleListOrganization)
	h("GET /v1.0/organization/{id}", a.handleGetOrganization)
	h("PATCH /v1.0/organization/{id}", a.handleUpdateOrganization)
	h("GET /v1.0/policies/externalIdentitiesPolicy", a.handleGetPolicy)
	h("PATCH /v1.0/policies/externalIdentitiesPolicy", a.handleUpdatePolicy)
}
