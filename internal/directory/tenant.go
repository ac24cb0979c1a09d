package directory

import "time"

// Retention bounds for deleted users, in days.
const (
	DefaultRetentionDays = 30
	MinRetentionDays     = 1
	MaxRetentionDays     = 365
)

// Access token lifetime bounds, in minutes: Entra's (60 by default,
// configurable from 10 minutes to a day).
const (
	DefaultAccessTokenMinutes = 60
	MinAccessTokenMinutes     = 10
	MaxAccessTokenMinutes     = 24 * 60
)

// Tenant is an organization: the scope of every other object.
type Tenant struct {
	ID            string // UUID
	DisplayName   string
	InitialDomain string // e.g. contoso.example; unique, lower case
	CreatedAt     time.Time
	Settings      TenantSettings
}

// TenantSettings are the policies a Global Administrator sets.
type TenantSettings struct {
	// AllowExternalUsersToLeave is Entra's allowExternalIdentitiesToLeave:
	// guests may remove themselves (default true).
	AllowExternalUsersToLeave bool
	PrivacyContactEmail       string // optional
	PrivacyStatementURL       string // optional, http or https, at most 255 characters
	// RetentionDays is how long a deleted user stays restorable (1 to 365,
	// default 30). A change applies to users deleted after it.
	RetentionDays int
	// AccessTokenMinutes is how long the access and ID tokens of the
	// tenant's OpenID Connect provider live (10 to 1,440, default 60). A
	// change applies to tokens issued after it.
	AccessTokenMinutes int
}

// DefaultTenantSettings are what a new tenant starts with.
func DefaultTenantSettings() TenantSettings {
	return TenantSettings{AllowExternalUsersToLeave: true, RetentionDays: DefaultRetentionDays,
		AccessTokenMinutes: DefaultAccessTokenMinutes}
}

// Contact returns where to send people who need this tenant's administrator.
func (t *Tenant) Contact() *Contact {
	return &Contact{
		TenantID:            t.ID,
		TenantName:          t.DisplayName,
		PrivacyContactEmail: t.Settings.PrivacyContactEmail,
		PrivacyStatementURL: t.Settings.PrivacyStatementURL,
	}
}
