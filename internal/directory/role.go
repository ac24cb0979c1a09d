package directory

// Role is a directory role a user holds in their tenant.
type Role string

const (
	RoleGlobalAdministrator Role = "Global Administrator"
	RoleUserAdministrator   Role = "User Administrator"
	RoleGuestInviter        Role = "Guest Inviter"
)

// Roles lists the directory roles orgdir knows.
var Roles = []Role{RoleGlobalAdministrator, RoleUserAdministrator, RoleGuestInviter}
