package directory

// TEMPORARY: the signatures of the Service's operations, so that every
// adapter compiles against them while the domain is being written. Each is
// moved, implemented, into its own file (tenants.go, users.go, invite.go,
// leave.go, deleted.go, purge.go, groups.go, apps.go, roles.go, audit_read.go,
// export.go); this file must be empty of them before issue 2 is closed.

import (
	"context"
	"time"
)

var errTODO = Errorf(KindInternal, "not implemented yet")

// ---- tenants (CreateTenant: system actor only; settings: Global Administrator)

func (s *Service) CreateTenant(ctx context.Context, displayName, initialDomain string) (*Tenant, error) {
	return nil, errTODO
}
func (s *Service) GetTenant(ctx context.Context, id string) (*Tenant, error) { return nil, errTODO }
func (s *Service) GetTenantByDomain(ctx context.Context, domain string) (*Tenant, error) {
	return nil, errTODO
}
func (s *Service) ListTenants(ctx context.Context) ([]*Tenant, error) { return nil, errTODO }
func (s *Service) UpdateTenant(ctx context.Context, tenantID string, p TenantPatch) (*Tenant, error) {
	return nil, errTODO
}

// ---- users (idOrUPN accepts the id or the userPrincipalName)

func (s *Service) CreateUser(ctx context.Context, tenantID string, nu NewUser) (*User, error) {
	return nil, errTODO
}
func (s *Service) GetUser(ctx context.Context, tenantID, idOrUPN string) (*User, error) {
	return nil, errTODO
}
func (s *Service) ListUsers(ctx context.Context, tenantID string, q UserQuery) ([]*User, error) {
	return nil, errTODO
}
func (s *Service) CountUsers(ctx context.Context, tenantID string, q UserQuery) (int, error) {
	return 0, errTODO
}
func (s *Service) UpdateUser(ctx context.Context, tenantID, idOrUPN string, p UserPatch) (*User, error) {
	return nil, errTODO
}
func (s *Service) SetPassword(ctx context.Context, tenantID, userID, password string) error {
	return errTODO
}

// CheckPassword returns the live, enabled member whose UPN and password
// match; any mismatch is KindUnauthenticated with one generic message.
func (s *Service) CheckPassword(ctx context.Context, upn, password string) (*User, error) {
	return nil, errTODO
}

// ---- soft delete, Deleted users, restore, permanent delete, purge

func (s *Service) DeleteUser(ctx context.Context, tenantID, idOrUPN string) error { return errTODO }
func (s *Service) GetDeletedUser(ctx context.Context, tenantID, id string) (*User, error) {
	return nil, errTODO
}
func (s *Service) RestoreUser(ctx context.Context, tenantID, id, newUPN string) (*User, error) {
	return nil, errTODO
}
func (s *Service) PermanentlyDeleteUser(ctx context.Context, tenantID, id string) error {
	return errTODO
}
func (s *Service) PermanentlyDeleteUsers(ctx context.Context, tenantID string, ids []string) []BulkResult {
	return nil
}

// PurgeExpired permanently deletes, in batches of batch users (one
// transaction per user), every deleted user whose retention ended at or
// before now. It returns how many it purged.
func (s *Service) PurgeExpired(ctx context.Context, now time.Time, batch int) (int, error) {
	return 0, errTODO
}

// ---- invitations

func (s *Service) Invite(ctx context.Context, tenantID string, r InviteRequest) (*InviteResult, error) {
	return nil, errTODO
}

// LookupInvitation finds the invitation of a redeem token (anyone holding
// the token may see which tenant invites them).
func (s *Service) LookupInvitation(ctx context.Context, token string) (*Invitation, *Tenant, error) {
	return nil, nil, errTODO
}

// Redeem binds the invited user to the actor's home identity (a member of
// another tenant, or an e-mail identity) and sets Accepted.
func (s *Service) Redeem(ctx context.Context, token string) (*User, error) { return nil, errTODO }

// EnsureEmailIdentity returns the e-mail identity of address, creating it
// (system actor: after the passcode was verified).
func (s *Service) EnsureEmailIdentity(ctx context.Context, address string) (*EmailIdentity, error) {
	return nil, errTODO
}

// ---- My Account: organizations, signing in to one, leaving one

func (s *Service) Organizations(ctx context.Context) ([]Organization, error) { return nil, errTODO }
func (s *Service) SignInToTenant(ctx context.Context, tenantID string) (*User, error) {
	return nil, errTODO
}
func (s *Service) Leave(ctx context.Context, tenantID string) error { return errTODO }

// ---- groups

func (s *Service) CreateGroup(ctx context.Context, tenantID, displayName, description string) (*Group, error) {
	return nil, errTODO
}
func (s *Service) GetGroup(ctx context.Context, tenantID, id string) (*Group, error) {
	return nil, errTODO
}
func (s *Service) ListGroups(ctx context.Context, tenantID string, q GroupQuery) ([]*Group, error) {
	return nil, errTODO
}
func (s *Service) AddGroupMember(ctx context.Context, tenantID, groupID, userID string) error {
	return errTODO
}
func (s *Service) RemoveGroupMember(ctx context.Context, tenantID, groupID, userID string) error {
	return errTODO
}
func (s *Service) ListGroupMembers(ctx context.Context, tenantID, groupID string, p Page) ([]*User, error) {
	return nil, errTODO
}
func (s *Service) ListMemberOf(ctx context.Context, tenantID, userID string) ([]*Group, error) {
	return nil, errTODO
}

// ---- applications and app role assignments

func (s *Service) CreateApplication(ctx context.Context, tenantID, displayName string, roles []AppRole) (*Application, error) {
	return nil, errTODO
}
func (s *Service) GetApplication(ctx context.Context, tenantID, id string) (*Application, error) {
	return nil, errTODO
}
func (s *Service) ListApplications(ctx context.Context, tenantID string, p Page) ([]*Application, error) {
	return nil, errTODO
}
func (s *Service) AssignAppRole(ctx context.Context, tenantID, userID, appID, appRoleID string) (*AppRoleAssignment, error) {
	return nil, errTODO
}
func (s *Service) RemoveAppRoleAssignment(ctx context.Context, tenantID, userID, assignmentID string) error {
	return errTODO
}
func (s *Service) ListAppRoleAssignments(ctx context.Context, tenantID, userID string) ([]*AppRoleAssignment, error) {
	return nil, errTODO
}

// ---- directory roles

func (s *Service) AddRole(ctx context.Context, tenantID, userID string, r Role) error { return errTODO }
func (s *Service) RemoveRole(ctx context.Context, tenantID, userID string, r Role) error {
	return errTODO
}
func (s *Service) ListRoles(ctx context.Context, tenantID, userID string) ([]Role, error) {
	return nil, errTODO
}

// ---- audit log (Global and User Administrators)

func (s *Service) ListAudit(ctx context.Context, tenantID string, q AuditQuery) ([]*AuditEvent, error) {
	return nil, errTODO
}
func (s *Service) GetAudit(ctx context.Context, tenantID, id string) (*AuditEvent, error) {
	return nil, errTODO
}

// ---- outbox (Global Administrators see their tenant's)

func (s *Service) ListOutbox(ctx context.Context, tenantID string, p Page) ([]*OutboxMessage, error) {
	return nil, errTODO
}

// ---- personal data

// ExportMyData returns everything orgdir holds about the actor's person,
// across every tenant they belong to.
func (s *Service) ExportMyData(ctx context.Context) (*PersonalData, error) { return nil, errTODO }

// ExportUserData is an administrator's export of one user of their tenant.
func (s *Service) ExportUserData(ctx context.Context, tenantID, userID string) (*PersonalData, error) {
	return nil, errTODO
}
