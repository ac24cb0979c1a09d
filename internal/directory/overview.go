package directory

import (
	"context"
	"time"
)

// TenantOverview is what an admin checks first about a tenant.
type TenantOverview struct {
	Members            int // live users of type Member
	Guests             int // live users of type Guest, pending ones included
	PendingInvitations int // live guests who have not yet redeemed
	Deleted            int // users in Deleted users
	// NextPurge is when the first deleted user's retention ends; nil when
	// none is deleted.
	NextPurge *time.Time
}

// Overview counts the tenant's users in one snapshot (Global and User
// Administrators).
func (s *Service) Overview(ctx context.Context, tenantID string) (TenantOverview, error) {
	return readResult(s, ctx, func(o *op) (TenantOverview, error) {
		var v TenantOverview
		if err := o.c.require(tenantID, permManage); err != nil {
			return v, err
		}
		if _, err := o.tenant(tenantID); err != nil {
			return v, err
		}
		is := func(prop, value string) Filter { return Compare{Property: prop, Op: OpEq, Value: value} }
		counts := []struct {
			into *int
			q    UserQuery
		}{
			{&v.Members, UserQuery{Filter: is("userType", string(Member))}},
			{&v.Guests, UserQuery{Filter: is("userType", string(Guest))}},
			{&v.PendingInvitations, UserQuery{Filter: is("externalUserState", string(PendingAcceptance))}},
			{&v.Deleted, UserQuery{Deleted: true}},
		}
		for _, c := range counts {
			n, err := o.tx.CountUsers(o.ctx, tenantID, c.q)
			if err != nil {
				return v, err
			}
			*c.into = n
		}
		var err error
		v.NextPurge, err = o.tx.NextPurgeAt(o.ctx, tenantID)
		return v, err
	})
}
