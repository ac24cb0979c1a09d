package httpapi

// route is one entry of the API: a ServeMux pattern and its handler.
type route struct {
	pattern string
	handler handlerFunc
}

// routeTable lists every route of the API. Paths are Graph's; the
// /me/organizations paths, /me/exportPersonalData and
// /users/{id}/erasePersonalData are orgdir's own.
// Tests walk this table, so a new route is covered by the tenant
// isolation test as soon as it is added here.
func (a *API) routeTable() []route {
	return []route{
		{"GET /v1.0/users", a.handleListUsers},
		{"POST /v1.0/users", a.handleCreateUser},
		{"GET /v1.0/users/delta", a.handleUsersDelta},
		{"GET /v1.0/users/microsoft.graph.delta()", a.handleUsersDelta},
		{"GET /v1.0/users/{id}", a.handleGetUser},
		{"PATCH /v1.0/users/{id}", a.handleUpdateUser},
		{"DELETE /v1.0/users/{id}", a.handleDeleteUser},
		{"GET /v1.0/users/{id}/memberOf", a.handleMemberOf},
		{"GET /v1.0/users/{id}/appRoleAssignments", a.handleListAssignments},
		{"POST /v1.0/users/{id}/appRoleAssignments", a.handleAssign},
		{"DELETE /v1.0/users/{id}/appRoleAssignments/{assignmentId}", a.handleUnassign},
		{"POST /v1.0/users/{id}/exportPersonalData", a.handleExportUserData},
		{"POST /v1.0/users/{id}/erasePersonalData", a.handleErasePersonalData},
		{"POST /v1.0/users/{id}/revokeSignInSessions", a.handleRevokeSignInSessions},

		{"GET /v1.0/me", a.handleMe},
		{"GET /v1.0/me/memberOf", a.handleMyMemberOf},
		{"GET /v1.0/me/appRoleAssignments", a.handleMyAssignments},
		{"POST /v1.0/me/exportPersonalData", a.handleExportMyData},
		{"POST /v1.0/me/revokeSignInSessions", a.handleRevokeMySignInSessions},
		{"GET /v1.0/me/organizations", a.handleMyOrganizations},
		{"GET /v1.0/me/organizations/{tenantId}", a.handleMyOrganization},
		{"POST /v1.0/me/organizations/{tenantId}/leave", a.handleLeave},

		{"POST /v1.0/invitations", a.handleInvite},

		{"GET /v1.0/groups", a.handleListGroups},
		{"POST /v1.0/groups", a.handleCreateGroup},
		{"GET /v1.0/groups/delta", a.handleGroupsDelta},
		{"GET /v1.0/groups/microsoft.graph.delta()", a.handleGroupsDelta},
		{"GET /v1.0/groups/{id}", a.handleGetGroup},
		{"GET /v1.0/groups/{id}/members", a.handleListMembers},
		{"POST /v1.0/groups/{id}/members/$ref", a.handleAddMember},
		{"DELETE /v1.0/groups/{id}/members/{memberId}/$ref", a.handleRemoveMember},

		{"GET /v1.0/applications", a.handleListApplications},
		{"POST /v1.0/applications", a.handleCreateApplication},
		{"GET /v1.0/applications/{id}", a.handleGetApplication},
		{"PATCH /v1.0/applications/{id}", a.handleUpdateApplication},
		{"POST /v1.0/applications/{id}/addPassword", a.handleAddPassword},
		{"POST /v1.0/applications/{id}/removePassword", a.handleRemovePassword},
		{"GET /v1.0/servicePrincipals", a.handleListServicePrincipals},
		{"GET /v1.0/servicePrincipals/{id}", a.handleGetServicePrincipal},
		{"PATCH /v1.0/servicePrincipals/{id}", a.handleUpdateServicePrincipal},
		{"POST /v1.0/servicePrincipals/{id}/appRoleAssignedTo", a.handleAssignedTo},
		{"DELETE /v1.0/servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}", a.handleUnassignedTo},

		// Graph's SDKs write the type cast short (graph.user); both spellings work.
		{"GET /v1.0/directory/deletedItems/microsoft.graph.user", a.handleListDeletedUsers},
		{"GET /v1.0/directory/deletedItems/graph.user", a.handleListDeletedUsers},
		{"GET /v1.0/directory/deletedItems/{id}", a.handleGetDeletedItem},
		{"DELETE /v1.0/directory/deletedItems/{id}", a.handlePermanentDelete},
		{"POST /v1.0/directory/deletedItems/{id}/restore", a.handleRestore},
		{"GET /v1.0/directory/deletedItems/{id}/orgdir.restorePreview", a.handleRestorePreview},

		{"GET /v1.0/auditLogs/directoryAudits", a.handleListAudit},
		{"GET /v1.0/auditLogs/directoryAudits/{id}", a.handleGetAudit},
		{"GET /v1.0/auditLogs/signIns", a.handleListSignIns},
		{"GET /v1.0/auditLogs/signIns/{id}", a.handleGetSignIn},

		{"GET /v1.0/organization", a.handleListOrganization},
		{"GET /v1.0/organization/{id}", a.handleGetOrganization},
		{"PATCH /v1.0/organization/{id}", a.handleUpdateOrganization},
		{"GET /v1.0/policies/externalIdentitiesPolicy", a.handleGetPolicy},
		{"PATCH /v1.0/policies/externalIdentitiesPolicy", a.handleUpdatePolicy},

		{"GET /v1.0/subscriptions", a.handleListSubscriptions},
		{"POST /v1.0/subscriptions", a.handleCreateSubscription},
		{"GET /v1.0/subscriptions/{id}", a.handleGetSubscription},
		{"PATCH /v1.0/subscriptions/{id}", a.handleUpdateSubscription},
		{"DELETE /v1.0/subscriptions/{id}", a.handleDeleteSubscription},

		{batchPattern, a.handleBatch},
	}
}

// routes registers the route table on the API's mux.
func (a *API) routes() {
	for _, rt := range a.routeTable() {
		a.mux.Handle(rt.pattern, a.wrap(rt.handler))
	}
}
