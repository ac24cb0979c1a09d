package directory

import "time"

// Group is a security group of a tenant.
type Group struct {
	ID          string
	TenantID    string
	DisplayName string
	Description string
	CreatedAt   time.Time
}

// Application is an app registration of a tenant with the roles it defines.
type Application struct {
	ID          string
	TenantID    string
	DisplayName string
	AppRoles    []AppRole
	CreatedAt   time.Time
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

// AppRoleAssignment grants a user one role of an application.
type AppRoleAssignment struct {
	ID          string
	TenantID    string
	PrincipalID string // the user
	ResourceID  string // the application
	AppRoleID   string
	CreatedAt   time.Time
}

// Role is a directory role a user holds in their tenant.
type Role string

const (
	RoleGlobalAdministrator Role = "Global Administrator"
	RoleUserAdministrator   Role = "User Administrator"
	RoleGuestInviter        Role = "Guest Inviter"
)

// Roles lists the directory roles orgdir knows.
var Roles = []Role{RoleGlobalAdministrator, RoleUserAdministrator, RoleGuestInviter}

// Page bounds for listings.
type Page struct {
	Limit   int    // at most this many; 0 means the store's default
	AfterID string // keyset: only objects with a greater id
}
