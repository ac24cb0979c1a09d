package directory

// This file lists the inputs and outputs of the Service's operations that
// are not entities themselves.

// NewUser is what an administrator gives to create a member.
type NewUser struct {
	UserPrincipalName string // must end in @ the tenant's initial domain
	DisplayName       string
	Mail              string // optional
	Password          string // optional; members without one cannot sign in with a password
	AccountEnabled    *bool  // default true
}

// UserPatch changes a user; nil fields stay as they are.
type UserPatch struct {
	DisplayName    *string
	Mail           *string
	AccountEnabled *bool
}

// TenantPatch changes a tenant's name and settings; nil fields stay.
type TenantPatch struct {
	DisplayName               *string
	AllowExternalUsersToLeave *bool
	PrivacyContactEmail       *string
	PrivacyStatementURL       *string
	RetentionDays             *int
	AccessTokenMinutes        *int
}

// Organization is one tenant a person belongs to, as My Account lists it.
type Organization struct {
	Tenant *Tenant
	User   *User // the person's user object in Tenant
	Home   bool  // the person's home organization (no Leave action)
}

// BulkResult is the outcome for one id of a bulk operation.
type BulkResult struct {
	ID  string
	Err error // nil on success
}

// PersonalData is everything orgdir holds about a person, for export.
// Secrets (token and session hashes, CSRF secrets) are left out, and so
// are the bodies of e-mail, which may carry a live redeem link or passcode:
// the export says which messages were sent, when and with what subject.
type PersonalData struct {
	ExportedAt    string
	EmailIdentity *EmailIdentity
	// Sessions are the person's browser sessions (home user or e-mail
	// identity).
	Sessions []*Session
	// Mail is the e-mail of no tenant sent to the person's e-mail
	// identity (one-time passcodes).
	Mail        []*OutboxMessage
	Memberships []PersonalTenant
}

// PersonalTenant is the person's data in one tenant.
type PersonalTenant struct {
	Tenant             *Tenant
	User               *User
	Home               bool
	Roles              []Role
	Groups             []*Group
	AppRoleAssignments []*AppRoleAssignment
	Invitations        []*Invitation
	AccessTokens       []*AccessToken
	Mail               []*OutboxMessage // the tenant's e-mail to the user's address
	// AuditEvents are the tenant's events that name the user, as target or
	// as initiator.
	AuditEvents []*AuditEvent
	// SignIns are the tenant's sign-in records of the user, oldest first.
	SignIns []*SignInEvent
}
