package directory

import (
	"context"
	"time"
)

// Store is the persistence orgdir needs. Every method of Tx that names a
// tenant sees only that tenant's rows: an object of another tenant is
// KindNotFound, exactly as if it did not exist.
//
// Errors: a missing object is KindNotFound; a uniqueness clash (tenant
// domain, live UPN or mail, group membership, e-mail identity) is
// KindConflict; a filter the store cannot compile is KindInvalid; anything
// else is KindInternal.
type Store interface {
	// Read runs fn in a read-only transaction that sees one snapshot.
	Read(ctx context.Context, fn func(Tx) error) error
	// Write runs fn in a read-write transaction and commits when fn returns
	// nil; any error rolls everything back. Writes are serialized per user:
	// the user rows a Write reads with GetUser are locked until it ends
	// (PostgreSQL: FOR UPDATE; SQLite: one writer at a time).
	Write(ctx context.Context, fn func(Tx) error) error
	Close() error
}

// Tx is the set of operations available inside one transaction, composed
// of one interface per concept, so that a package (or a test fake) takes
// only the part it needs.
type Tx interface {
	TenantTx
	UserTx
	PasswordTx
	EmailIdentityTx
	InvitationTx
	GroupTx
	AppTx
	RoleTx
	AuditTx
	SignInLogTx
	OutboxTx
	AccessTokenTx
	SessionTx
	OneTimeCodeTx
	ThrottleTx
	SigningKeyTx
	GrantTx
	PurgeTx
	BulkJobTx
	RowTx
	ChangeLogTx
	SubscriptionTx
	InstanceTx
}

// InstanceTx keeps the heartbeats of the running servers (instances.go).
type InstanceTx interface {
	// TouchInstance records that instance id was alive at now.
	TouchInstance(ctx context.Context, id string, now time.Time) error
	// CountInstances counts the instances seen at or after since.
	CountInstances(ctx context.Context, since time.Time) (int, error)
	// DeleteInstancesBefore forgets the instances last seen before then.
	DeleteInstancesBefore(ctx context.Context, before time.Time) error
	// DeleteInstance forgets instance id (it stops).
	DeleteInstance(ctx context.Context, id string) error
}

// TenantTx reads and writes tenants.
type TenantTx interface {
	// Tenants.
	CreateTenant(ctx context.Context, t *Tenant) error
	GetTenant(ctx context.Context, id string) (*Tenant, error)
	GetTenantByDomain(ctx context.Context, domain string) (*Tenant, error)
	ListTenants(ctx context.Context) ([]*Tenant, error)
	UpdateTenant(ctx context.Context, t *Tenant) error
}

// UserTx reads and writes user objects.
type UserTx interface {
	// Users. GetUser returns live and deleted users; the by-UPN and by-mail
	// lookups see live users only.
	CreateUser(ctx context.Context, u *User) error
	GetUser(ctx context.Context, tenantID, id string) (*User, error)
	// GetUserShared is GetUser with a shared lock inside a Write: the row
	// cannot change until commit, but other writes that only check it (the
	// same caller's next request) do not wait for each other.
	GetUserShared(ctx context.Context, tenantID, id string) (*User, error)
	GetUserByUPN(ctx context.Context, tenantID, upn string) (*User, error)
	GetUserByMail(ctx context.Context, tenantID, mail string) (*User, error)
	// UpdateUser writes every mutable field, including DeletedAt and PurgeAt.
	UpdateUser(ctx context.Context, u *User) error
	// TouchSignInActivity sets LastSignInAt (interactive) or
	// LastNonInteractiveSignInAt to at when it is unset or at least
	// SignInActivityGranularity older; otherwise it changes nothing.
	TouchSignInActivity(ctx context.Context, tenantID, id string, interactive bool, at time.Time) error
	// DeleteUser removes the user for good, with its memberships, app role
	// and directory role assignments, invitations, password, tokens and
	// sessions.
	DeleteUser(ctx context.Context, tenantID, id string) error
	ListUsers(ctx context.Context, tenantID string, q UserQuery) ([]*User, error)
	CountUsers(ctx context.Context, tenantID string, q UserQuery) (int, error)
	// ListUsersByHome returns the invited users, in every tenant, bound to a
	// home user or an e-mail identity (exactly one of the two is given),
	// live and deleted.
	ListUsersByHome(ctx context.Context, homeUserID, emailIdentityID string) ([]*User, error)
	// NextPurgeAt returns the earliest PurgeAt of the tenant's deleted
	// users, nil when none is deleted.
	NextPurgeAt(ctx context.Context, tenantID string) (*time.Time, error)
}

// PasswordTx keeps members' password hashes.
type PasswordTx interface {
	// Passwords of members, as PHC strings.
	SetPasswordHash(ctx context.Context, tenantID, userID, hash string) error
	GetPasswordHash(ctx context.Context, tenantID, userID string) (string, error)
}

// EmailIdentityTx keeps the people who sign in by e-mail passcode.
type EmailIdentityTx interface {
	// E-mail identities.
	CreateEmailIdentity(ctx context.Context, e *EmailIdentity) error
	GetEmailIdentity(ctx context.Context, id string) (*EmailIdentity, error)
	GetEmailIdentityByEmail(ctx context.Context, email string) (*EmailIdentity, error)
	DeleteEmailIdentity(ctx context.Context, id string) error
}

// InvitationTx keeps invitations and their redeem tokens' hashes.
type InvitationTx interface {
	// Invitations. GetInvitationByTokenHash looks across tenants: the
	// redeem link carries only the token.
	CreateInvitation(ctx context.Context, inv *Invitation) error
	GetInvitation(ctx context.Context, tenantID, id string) (*Invitation, error)
	GetInvitationByTokenHash(ctx context.Context, hash []byte) (*Invitation, error)
	UpdateInvitation(ctx context.Context, inv *Invitation) error
	ListInvitationsByUser(ctx context.Context, tenantID, userID string) ([]*Invitation, error)
}

// GroupTx keeps groups and their members.
type GroupTx interface {
	// Groups and members. Listings of members and memberOf show live
	// users only; a deleted user's memberships stay, hidden, for restore.
	CreateGroup(ctx context.Context, g *Group) error
	GetGroup(ctx context.Context, tenantID, id string) (*Group, error)
	ListGroups(ctx context.Context, tenantID string, q GroupQuery) ([]*Group, error)
	AddGroupMember(ctx context.Context, tenantID, groupID, userID string) error
	RemoveGroupMember(ctx context.Context, tenantID, groupID, userID string) error
	ListGroupMembers(ctx context.Context, tenantID, groupID string, p Page) ([]*User, error)
	// ListMemberOf returns the groups the user is directly in, live or
	// deleted user alike.
	ListMemberOf(ctx context.Context, tenantID, userID string) ([]*Group, error)
}

// AppTx keeps applications and app role assignments.
type AppTx interface {
	// Applications and app role assignments (kept, hidden, while the
	// user is deleted, like memberships).
	CreateApplication(ctx context.Context, a *Application) error
	// UpdateApplication writes every mutable field of the application,
	// its client settings and password credentials included.
	UpdateApplication(ctx context.Context, a *Application) error
	GetApplication(ctx context.Context, tenantID, id string) (*Application, error)
	ListApplications(ctx context.Context, tenantID string, p Page) ([]*Application, error)
	CreateAppRoleAssignment(ctx context.Context, a *AppRoleAssignment) error
	GetAppRoleAssignment(ctx context.Context, tenantID, id string) (*AppRoleAssignment, error)
	DeleteAppRoleAssignment(ctx context.Context, tenantID, id string) error
	ListAppRoleAssignments(ctx context.Context, tenantID, userID string) ([]*AppRoleAssignment, error)
	// ListAppAssignments returns an application's assignments to users
	// (live and deleted) and to groups, oldest first.
	ListAppAssignments(ctx context.Context, tenantID, appID string) ([]*AppRoleAssignment, error)
	// A group's app role assignments (PrincipalType Group), and the
	// permissions of orgdir's API granted to an application (PrincipalType
	// ServicePrincipal). GetAppRoleAssignment and DeleteAppRoleAssignment
	// find an assignment of any principal type by its id.
	CreateGroupAppRoleAssignment(ctx context.Context, a *AppRoleAssignment) error
	ListGroupAppRoleAssignments(ctx context.Context, tenantID, groupID string) ([]*AppRoleAssignment, error)
	CreateAPIPermissionGrant(ctx context.Context, a *AppRoleAssignment) error
	ListAPIPermissionGrants(ctx context.Context, tenantID, appID string) ([]*AppRoleAssignment, error)
}

// RoleTx keeps directory role assignments.
type RoleTx interface {
	// Directory roles.
	AddRole(ctx context.Context, tenantID, userID string, r Role) error
	RemoveRole(ctx context.Context, tenantID, userID string, r Role) error
	ListRoles(ctx context.Context, tenantID, userID string) ([]Role, error)
}

// AuditTx appends to and reads the audit log.
type AuditTx interface {
	// Audit log.
	AppendAudit(ctx context.Context, e *AuditEvent) error
	GetAudit(ctx context.Context, tenantID, id string) (*AuditEvent, error)
	ListAudit(ctx context.Context, tenantID string, q AuditQuery) ([]*AuditEvent, error)
	// ScrubAuditSubject removes the display name, UPN and modified values
	// of objectID from every event of every tenant that names it, as target
	// or initiator, and the values of those events' additionalDetails
	// (free text that may quote the person); the ids and keys stay.
	ScrubAuditSubject(ctx context.Context, objectID string) error
}

// OutboxTx keeps the e-mail outbox.
type OutboxTx interface {
	// Outbox of e-mail.
	EnqueueMail(ctx context.Context, m *OutboxMessage) error
	// ListOutbox lists a tenant's messages newest first (creation time,
	// then id); p.AfterID is the last message of the previous page.
	ListOutbox(ctx context.Context, tenantID string, p Page) ([]*OutboxMessage, error)
	// ListUnsentMail returns the oldest pending or sending messages of
	// every tenant, oldest first.
	ListUnsentMail(ctx context.Context, limit int) ([]*OutboxMessage, error)
	// MailBacklog counts pending and sending messages of every tenant and
	// returns the creation time of the oldest (nil when none wait).
	MailBacklog(ctx context.Context) (int, *time.Time, error)
	// ClaimMail, in a Write, first fails the sending messages whose lease
	// ended after c.MaxAttempts attempts, then leases up to c.Limit
	// messages due at now (pending or sending with an ended lease), soonest
	// due first: each becomes MailSending with one more attempt and
	// NextAttemptAt now+c.Lease. Concurrent claims never return the same
	// message while its lease holds.
	ClaimMail(ctx context.Context, now time.Time, c MailClaim) ([]*OutboxMessage, error)
	// FinishMailAttempt records the outcome of attempt (the message's
	// Attempts when it was claimed) at time at. Unknown id is KindNotFound;
	// a message no longer sending under that attempt is KindConflict.
	FinishMailAttempt(ctx context.Context, id string, attempt int, at time.Time, out MailOutcome) error
	// DeleteMailTo removes a tenant's messages to an address (erasure);
	// tenantID "" is the messages of no tenant (one-time passcodes).
	DeleteMailTo(ctx context.Context, tenantID, address string) error
	// ListMailTo returns a tenant's messages to an address, whatever its
	// case, oldest first; tenantID "" as for DeleteMailTo (export).
	ListMailTo(ctx context.Context, tenantID, address string) ([]*OutboxMessage, error)
}

// AccessTokenTx keeps API bearer tokens.
type AccessTokenTx interface {
	// API tokens.
	CreateAccessToken(ctx context.Context, t *AccessToken) error
	GetAccessTokenByHash(ctx context.Context, hash []byte) (*AccessToken, error)
	// GetAccessToken looks a token up by id, across tenants (the caller
	// checks the tenant).
	GetAccessToken(ctx context.Context, id string) (*AccessToken, error)
	RevokeAccessToken(ctx context.Context, id string, at time.Time) error
	// ListAccessTokens returns a user's tokens, revoked and expired ones
	// too, oldest first (export).
	ListAccessTokens(ctx context.Context, tenantID, userID string) ([]*AccessToken, error)
}

// SessionTx keeps browser sessions.
type SessionTx interface {
	// Browser sessions.
	CreateSession(ctx context.Context, s *Session) error
	GetSessionByHash(ctx context.Context, hash []byte) (*Session, error)
	UpdateSession(ctx context.Context, s *Session) error
	DeleteSession(ctx context.Context, id string) error
	// CountActiveSessions counts the sessions not revoked and not expired
	// at now, of every tenant (metrics).
	CountActiveSessions(ctx context.Context, now time.Time) (int, error)
	// ListSessions returns a person's sessions, oldest first: those of the
	// home user (homeTenantID, homeUserID) or of the e-mail identity;
	// exactly one of the two is given (export).
	ListSessions(ctx context.Context, homeTenantID, homeUserID, emailIdentityID string) ([]*Session, error)
}

// OneTimeCodeTx keeps e-mailed passcodes.
type OneTimeCodeTx interface {
	// One-time passcodes.
	CreateOneTimeCode(ctx context.Context, c *OneTimeCode) error
	// GetLatestOneTimeCode returns the newest code for the address.
	GetLatestOneTimeCode(ctx context.Context, email string) (*OneTimeCode, error)
	UpdateOneTimeCode(ctx context.Context, c *OneTimeCode) error
	CountOneTimeCodesSince(ctx context.Context, email string, since time.Time) (int, error)
	DeleteOneTimeCodes(ctx context.Context, email string) error
}

// ThrottleTx keeps the sign-in failure counters.
type ThrottleTx interface {
	// Sign-in throttling: failure counters every instance shares
	// (signin_throttle.go). A key is an opaque hex digest chosen by the
	// domain, never a name or an address in clear; counters name no
	// tenant.
	//
	// GetThrottle returns the counter of key; none is KindNotFound.
	GetThrottle(ctx context.Context, key string) (*ThrottleCounter, error)
	// LockThrottle (in a Write) returns the counter of key, creating a
	// zero one (no failures, zero times) when there is none, and holds it
	// until the Write ends, so that instances counting one key at the same
	// moment count every failure.
	LockThrottle(ctx context.Context, key string) (*ThrottleCounter, error)
	// UpdateThrottle writes the failures and times of a locked counter.
	UpdateThrottle(ctx context.Context, c *ThrottleCounter) error
	// DeleteThrottle forgets key; a key with no counter is not an error.
	DeleteThrottle(ctx context.Context, key string) error
	// DeleteExpiredThrottles removes at most limit counters whose
	// ExpiresAt is at or before now and returns how many; in a Write on a
	// backend with row locks, counters locked by another transaction are
	// skipped.
	DeleteExpiredThrottles(ctx context.Context, now time.Time, limit int) (int, error)
}

// SigningKeyTx keeps the keys that sign tokens (OpenID Connect). They are
// the instance's, not a tenant's: every instance signs and verifies with
// the same set.
type SigningKeyTx interface {
	// LockSigningKeys (in a Write) holds the set until the Write ends, so
	// that two instances rotating at one moment make one new key.
	LockSigningKeys(ctx context.Context) error
	CreateSigningKey(ctx context.Context, k *SigningKey) error
	// ListSigningKeys returns every key, newest first (CreatedAt, then id).
	ListSigningKeys(ctx context.Context) ([]*SigningKey, error)
	// DeleteRetiredSigningKeys removes the keys whose RetireAt is at or
	// before now and returns how many.
	DeleteRetiredSigningKeys(ctx context.Context, now time.Time) (int, error)
}

// GrantTx keeps OAuth grants (a user's sign-in to an app) with their
// authorization codes and refresh tokens, by SHA-256 only.
type GrantTx interface {
	CreateOAuthGrant(ctx context.Context, g *OAuthGrant) error
	// GetOAuthGrant looks across tenants (a code or token names its grant).
	GetOAuthGrant(ctx context.Context, id string) (*OAuthGrant, error)
	RevokeOAuthGrant(ctx context.Context, id string, at time.Time) error
	CreateOAuthCode(ctx context.Context, c *OAuthCode) error
	GetOAuthCode(ctx context.Context, hash []byte) (*OAuthCode, error)
	// UseOAuthCode marks the code used; one used already is KindConflict,
	// so that of two redemptions at one moment only one wins.
	UseOAuthCode(ctx context.Context, hash []byte, at time.Time) error
	CreateRefreshToken(ctx context.Context, r *RefreshToken) error
	GetRefreshToken(ctx context.Context, hash []byte) (*RefreshToken, error)
	// UseRefreshToken marks the token used; one used already is
	// KindConflict (reuse).
	UseRefreshToken(ctx context.Context, hash []byte, at time.Time) error
	// DeleteEndedOAuthGrants removes at most limit grants, of any tenant,
	// that expired or were revoked at or before now, with their codes and
	// refresh tokens, and says how many.
	DeleteEndedOAuthGrants(ctx context.Context, now time.Time, limit int) (int, error)
}

// PurgeTx erases deleted users by the set, for the retention purge: each
// method does for many users, in a few statements, what the per-user
// methods named in its comment do for one.
type PurgeTx interface {
	// ClaimPurgeable returns at most limit deleted users, of any tenant,
	// whose PurgeAt is at or before now, earliest first (PurgeAt, then id).
	// In a Write on a backend with row locks it locks them until the Write
	// ends and skips rows another transaction holds, so that purge jobs on
	// several instances take disjoint batches without waiting.
	ClaimPurgeable(ctx context.Context, now time.Time, limit int) ([]*User, error)
	// EraseUsers is DeleteUser of every key: the users with their
	// memberships, app role and directory role assignments, invitations,
	// passwords, tokens, sessions, OAuth grants (their codes and refresh
	// tokens) and sign-in records. A key that names no user is
	// KindNotFound (and, the Write failing, nothing is erased).
	EraseUsers(ctx context.Context, keys []UserKey) error
	// ScrubAuditSubjects is ScrubAuditSubject of every object id.
	ScrubAuditSubjects(ctx context.Context, objectIDs []string) error
	// AppendAudits is AppendAudit of every event, in one multi-row insert
	// per table (more for very many events).
	AppendAudits(ctx context.Context, events []*AuditEvent) error
	// DeleteUnclaimedMail is DeleteMailTo of every address of a tenant that
	// no live user of that tenant has as mail (whatever its case): the
	// e-mail to a purged user's address goes, unless a new user of the
	// tenant (a new invitation) has the address now.
	DeleteUnclaimedMail(ctx context.Context, to []MailAddress) error
	// DeleteUnboundEmailIdentities deletes, of the given e-mail identities,
	// those no user of any tenant (live or deleted) is bound to any more,
	// with their sessions, their one-time codes and the messages of no
	// tenant to their address (DeleteOneTimeCodes, DeleteMailTo("", …),
	// DeleteEmailIdentity). In a Write on a backend with row locks it locks
	// the users still bound, as ListUsersByHome does, so that two
	// transactions erasing one person's last two guests cannot each keep
	// the identity for the other. Unknown ids are not an error.
	DeleteUnboundEmailIdentities(ctx context.Context, ids []string) error
}

// MailAddress is an e-mail address of one tenant's outbox.
type MailAddress struct {
	TenantID string
	Address  string
}
