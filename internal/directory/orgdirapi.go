package directory

import (
	"slices"
	"strings"
)

// orgdir's own API (the Graph-shaped /v1.0) as a resource of every
// tenant. Its identifier is Microsoft Graph's appId, so that a script
// written for Graph that asks for "00000003-0000-0000-c000-000000000000/.default"
// gets a token for orgdir's API unchanged. orgdir keeps an application and
// its service principal as one object, so the API's service principal id
// is the same in every tenant. It is no row of the tenant's applications:
// it cannot be renamed, deleted or given secrets.
const (
	OrgdirAPIAppID       = "00000003-0000-0000-c000-000000000000"
	OrgdirAPIDisplayName = "orgdir API"
)

// APIPermission is an application permission of orgdir's API (an app
// role of its service principal), named and numbered as Graph's.
type APIPermission struct {
	ID          string
	Value       string
	DisplayName string
}

// The application permissions of orgdir's API; what each allows is
// appMay (authz.go).
const (
	PermUserReadAll           = "User.Read.All"
	PermUserReadWriteAll      = "User.ReadWrite.All"
	PermGroupReadWriteAll     = "Group.ReadWrite.All"
	PermAuditLogReadAll       = "AuditLog.Read.All"
	PermDirectoryReadWriteAll = "Directory.ReadWrite.All"
)

// APIPermissions lists them, with Graph's app role ids.
var APIPermissions = []APIPermission{
	{"df021288-bdef-4463-88db-98f22de89214", PermUserReadAll, "Read all users' full profiles"},
	{"741f803b-c850-494e-b5df-cde7c675a1ca", PermUserReadWriteAll, "Read and write all users' full profiles"},
	{"62a82d76-70ea-41e2-9197-370581804d09", PermGroupReadWriteAll, "Read and write all groups"},
	{"b0afded3-3588-46d8-8b3d-9842eff778da", PermAuditLogReadAll, "Read all audit log data"},
	{"19dbc75e-c2e2-444c-a770-ec69d8559fc7", PermDirectoryReadWriteAll, "Read and write directory data"},
}

// LookupAPIPermission finds a permission by its id or its value (case
// does not matter for the value).
func LookupAPIPermission(idOrValue string) (APIPermission, bool) {
	i := slices.IndexFunc(APIPermissions, func(p APIPermission) bool {
		return p.ID == strings.ToLower(idOrValue) || strings.EqualFold(p.Value, idOrValue)
	})
	if i < 0 {
		return APIPermission{}, false
	}
	return APIPermissions[i], true
}

// OrgdirAPIApplication is orgdir's API as Graph shows a service
// principal: its permissions are its app roles.
func OrgdirAPIApplication(tenantID string) *Application {
	a := &Application{ID: OrgdirAPIAppID, TenantID: tenantID, DisplayName: OrgdirAPIDisplayName}
	for _, p := range APIPermissions {
		a.AppRoles = append(a.AppRoles, AppRole{ID: p.ID, DisplayName: p.DisplayName, Value: p.Value, Description: p.DisplayName})
	}
	return a
}
