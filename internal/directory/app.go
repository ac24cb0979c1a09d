package directory

import "time"

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
