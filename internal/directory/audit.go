package directory

import "time"

// Audit categories, as in Graph's directoryAudit.category.
const (
	CategoryUserManagement        = "UserManagement"
	CategoryGroupManagement       = "GroupManagement"
	CategoryApplicationManagement = "ApplicationManagement"
	CategoryPolicy                = "Policy"
	CategoryRoleManagement        = "RoleManagement"
)

// Activity names, as Entra writes them.
const (
	ActivityAddUser                = "Add user"
	ActivityUpdateUser             = "Update user"
	ActivityDeleteUser             = "Delete user"
	ActivityRestoreUser            = "Restore user"
	ActivityHardDeleteUser         = "Hard delete user"
	ActivityInviteExternalUser     = "Invite external user"
	ActivityRedeemInvite           = "Redeem external user invite"
	ActivityLeaveOrganization      = "Leave organization" // a self-service leave (soft delete)
	ActivityDisableAccount         = "Disable account"
	ActivityEnableAccount          = "Enable account"
	ActivityResetPassword          = "Reset password"
	ActivityAddGroup               = "Add group"
	ActivityUpdateGroup            = "Update group"
	ActivityDeleteGroup            = "Delete group"
	ActivityAddMemberToGroup       = "Add member to group"
	ActivityRemoveMemberFromGroup  = "Remove member from group"
	ActivityAddApplication         = "Add application"
	ActivityUpdateApplication      = "Update application"
	ActivityUpdateAppSecrets       = "Update application – Certificates and secrets management"
	ActivityUpdateServicePrincipal = "Update service principal"
	ActivityAddAppRoleAssignment   = "Add app role assignment grant to user"
	ActivityRemoveAppRoleAssign    = "Remove app role assignment from user"
	ActivityAddAppRoleToGroup      = "Add app role assignment to group"
	ActivityRemoveAppRoleFromGroup = "Remove app role assignment from group"
	ActivityAddAppRoleToSP         = "Add app role assignment to service principal"
	ActivityRemoveAppRoleFromSP    = "Remove app role assignment from service principal"
	ActivityAddRoleMember          = "Add member to role"
	ActivityRemoveRoleMember       = "Remove member from role"
	ActivityUpdateTenant           = "Update company settings"
	ActivityUpdatePolicy           = "Update external identities policy"
	ActivityAddTenant              = "Add tenant"
	ActivityExportPersonalData     = "Export personal data"
	ActivityRevokeSignInSessions   = "Invalidate all refresh tokens for user" // revokeSignInSessions
	ActivityAddAccessToken         = "Add API access token"                   // orgdir's own
	ActivityRevokeAccessToken      = "Revoke API access token"                // orgdir's own
)

// Audit results.
const (
	ResultSuccess = "success"
	ResultFailure = "failure"
)

// AuditEvent is one record of the tenant's audit log (Graph's
// directoryAudit). It outlives the objects it names; when a user is
// permanently deleted, its name, mail and UPN are scrubbed from every event
// and only its id remains.
type AuditEvent struct {
	ID                string
	TenantID          string
	Time              time.Time
	Activity          string
	Category          string
	OperationType     string // Add, Update, Delete, Assign, Unassign, Other
	CorrelationID     string
	Initiator         AuditInitiator
	Result            string // ResultSuccess or ResultFailure
	ResultReason      string
	Targets           []AuditTarget
	AdditionalDetails []KeyValue
}

// AuditInitiator is who did it: a user, or an app (the CLI, a job).
type AuditInitiator struct {
	UserID      string
	DisplayName string
	UPN         string
	AppName     string // set for non-user initiators
	AppID       string // set for an application acting as itself (its service principal too)
}

// AuditTarget is an object the event acted on.
type AuditTarget struct {
	ID                 string
	Type               string // User, Group, Application, Policy, Other
	DisplayName        string
	UPN                string
	ModifiedProperties []ModifiedProperty
}

// ModifiedProperty is a before/after pair, JSON-encoded values as Graph does.
type ModifiedProperty struct {
	DisplayName string
	OldValue    string
	NewValue    string
}

// KeyValue is one additionalDetails entry.
type KeyValue struct {
	Key   string
	Value string
}
