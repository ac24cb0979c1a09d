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
