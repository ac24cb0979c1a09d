package directory

import "time"

// Application is an app registration of a tenant with the roles it defines.
type Application struct {
	ID          string
	TenantID    string
	DisplayName string
	AppRoles    []AppRole
	CreatedAt   time.Time

	// The app as an OpenID Connect client (its appId, the id, is the
	// client id): redirect URIs per platform, as Graph's application has
	// them (web, spa, publicClient), and web's front-channel logout URL.
	WebRedirectURIs []string
	WebLogoutURL    string
	// WebHomePageURL is Graph's web.homePageUrl: where a My Apps tile
	// opens the app ("" for none).
	WebHomePageURL           string
	SPARedirectURIs          []string
	PublicClientRedirectURIs []string
	// AppRoleAssignmentRequired is the service principal's: only users
	// assigned a role of the app may sign in to it. orgdir keeps the
	// registration and its service principal as one object.
	AppRoleAssignmentRequired bool
	// PasswordCredentials are the client secrets, kept as hashes only.
	PasswordCredentials []PasswordCredential
	// GroupMembershipClaims is Graph's: "" (None), SecurityGroup or All.
	// When set, the app's tokens carry the user's groups (object ids);
	// orgdir's groups are all security groups, so both give the same.
	GroupMembershipClaims string
}

// Values of groupMembershipClaims that orgdir issues groups for.
const (
	GroupClaimsSecurityGroup = "SecurityGroup"
	GroupClaimsAll           = "All"
)

// PasswordCredential is one client secret of an application (Graph's
// passwordCredential). The secret itself is shown once, by
// AddApplicationPassword; only its SHA-256 is kept.
type PasswordCredential struct {
	KeyID         string    `json:"keyId"`
	DisplayName   string    `json:"displayName"`
	Hint          string    `json:"hint"` // the first three characters of the secret
	StartDateTime time.Time `json:"startDateTime"`
	EndDateTime   time.Time `json:"endDateTime"`
	SecretHash    []byte    `json:"secretHash"`
}

// DefaultAppRoleID is the zero GUID: the default role of an app that
// defines none.
const DefaultAppRoleID = "00000000-0000-0000-0000-000000000000"

// AppRole is one role an application defines.
type AppRole struct {
	ID          string
	DisplayName string
	Value       string
	Description string
}

// AppRoleAssignment grants a principal one role of an application:
// a user, a group (whose members hold the role), or an application (a
// permission of orgdir's API, ResourceID OrgdirAPIAppID).
type AppRoleAssignment struct {
	ID            string
	TenantID      string
	PrincipalID   string // the user, group or application
	PrincipalType string // User, Group or ServicePrincipal, as Graph names them
	ResourceID    string // the application (or OrgdirAPIAppID)
	AppRoleID     string
	CreatedAt     time.Time
}

// Principal types of app role assignments, as Graph names them.
const (
	PrincipalUser             = "User"
	PrincipalGroup            = "Group"
	PrincipalServicePrincipal = "ServicePrincipal"
)
