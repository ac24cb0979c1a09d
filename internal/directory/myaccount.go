package directory

import (
	"context"
	"slices"
	"strings"
)

// person is the human behind an actor: a member user of their home tenant,
// or an e-mail identity. Both may be nil for a guest object whose person is
// unknown (not yet redeemed) or gone (purged at home).
type person struct {
	home  *User
	email *EmailIdentity
}

// person resolves the caller to their person. A guest object acting in its
// tenant stands for the person it is bound to.
func (o *op) person() (*person, error) {
	c := o.c
	switch {
	case c.email != nil:
		return &person{email: c.email}, nil
	case c.user != nil && !c.user.External():
		return &person{home: c.user}, nil
	case c.user != nil:
		return o.personOf(c.user)
	}
	return nil, Invalidf("actor", "this is done by a person signed in, not by %s", c.actor.System)
}

// personOf returns the person an invited user is bound to.
func (o *op) personOf(g *User) (*person, error) {
	switch {
	case g.HomeUserID != "":
		h, err := o.homeUser(g)
		if IsKind(err, KindNotFound) {
			return &person{}, nil
		}
		if err != nil {
			return nil, err
		}
		return &person{home: h}, nil
	case g.HomeEmailIdentityID != "":
		e, err := o.tx.GetEmailIdentity(o.ctx, g.HomeEmailIdentityID)
		if IsKind(err, KindNotFound) {
			return &person{}, nil
		}
		if err != nil {
			return nil, err
		}
		return &person{email: e}, nil
	}
	return &person{}, nil
}

// homeUser loads the home member user a guest is bound to, live or not.
// Its tenant is found from the federated identity written at redemption
// (the issuer is the home tenant's domain), else by looking in every
// tenant.
func (o *op) homeUser(g *User) (*User, error) {
	if g.HomeUserID == "" {
		return nil, notFound("home account")
	}
	for _, id := range g.Identities {
		if id.SignInType != SignInTypeFederated || id.Issuer == IssuerMail {
			continue
		}
		t, err := o.tx.GetTenantByDomain(o.ctx, id.Issuer)
		if IsKind(err, KindNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		u, err := o.tx.GetUser(o.ctx, t.ID, g.HomeUserID)
		if err == nil || !IsKind(err, KindNotFound) {
			return u, err
		}
	}
	tenants, err := o.tx.ListTenants(o.ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range tenants {
		if t.ID == g.TenantID {
			continue
		}
		u, err := o.tx.GetUser(o.ctx, t.ID, g.HomeUserID)
		if err == nil || !IsKind(err, KindNotFound) {
			return u, err
		}
	}
	return nil, notFound("home account")
}

// bound returns the person's invited users in every tenant, live and
// deleted.
func (o *op) bound(p *person) ([]*User, error) {
	switch {
	case p.home != nil:
		return o.tx.ListUsersByHome(o.ctx, p.home.ID, "")
	case p.email != nil:
		return o.tx.ListUsersByHome(o.ctx, "", p.email.ID)
	}
	return nil, nil
}

// guestIn returns the person's live user object in tenantID, or nil.
func (o *op) guestIn(p *person, tenantID string) (*User, error) {
	users, err := o.bound(p)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if u.TenantID == tenantID && !u.Deleted() && u.ExternalUserState == Accepted {
			return u, nil
		}
	}
	return nil, nil
}

// Organizations lists the tenants the actor's person belongs to, as My
// Account shows them: the home organization first (Home), then every
// tenant where a live, accepted guest is bound to the person, by name. A
// person signed in by e-mail passcode has no home organization.
func (s *Service) Organizations(ctx context.Context) ([]Organization, error) {
	var out []Organization
	err := s.read(ctx, func(o *op) error {
		p, err := o.person()
		if err != nil {
			return err
		}
		if p.home != nil {
			t, err := o.tenant(p.home.TenantID)
			if err != nil {
				return err
			}
			out = append(out, Organization{Tenant: t, User: p.home, Home: true})
		}
		users, err := o.bound(p)
		if err != nil {
			return err
		}
		if p.home == nil && p.email == nil && o.c.user != nil {
			users = []*User{o.c.user} // a guest whose person is unknown sees its own tenant
		}
		var others []Organization
		for _, u := range users {
			if u.Deleted() || u.ExternalUserState != Accepted && u != o.c.user {
				continue
			}
			t, err := o.tenant(u.TenantID)
			if err != nil {
				return err
			}
			others = append(others, Organization{Tenant: t, User: u})
		}
		slices.SortFunc(others, func(a, b Organization) int {
			if c := strings.Compare(strings.ToLower(a.Tenant.DisplayName), strings.ToLower(b.Tenant.DisplayName)); c != 0 {
				return c
			}
			return strings.Compare(a.Tenant.ID, b.Tenant.ID)
		})
		out = append(out, others...)
		return nil
	})
	return out, err
}

// SignInToTenant returns the person's live user object in tenantID: their
// home user there, or their accepted guest. A disabled guest is
// KindAccountDisabled with that tenant's contact; none is KindNotFound.
func (s *Service) SignInToTenant(ctx context.Context, tenantID string) (*User, error) {
	var out *User
	err := s.read(ctx, func(o *op) error {
		p, err := o.person()
		if err != nil {
			return err
		}
		if p.home != nil && p.home.TenantID == tenantID {
			out = p.home
			return nil
		}
		t, err := o.tenant(tenantID)
		if err != nil {
			return err
		}
		u, err := o.guestIn(p, tenantID)
		if err != nil {
			return err
		}
		if u == nil {
			return notFound("organization")
		}
		if !u.AccountEnabled {
			e := Errorf(KindAccountDisabled, "your account in %s is disabled; contact its administrator", t.DisplayName)
			e.Contact = t.Contact()
			return e
		}
		out = u
		return nil
	})
	return out, err
}

// MyEmailIdentity returns the e-mail identity of a person signed in by
// passcode (KindInvalid for any other actor).
func (s *Service) MyEmailIdentity(ctx context.Context) (*EmailIdentity, error) {
	return readResult(s, ctx, func(o *op) (*EmailIdentity, error) {
		if o.c.email == nil {
			return nil, Invalidf("actor", "only a person signed in by e-mail passcode has an e-mail identity")
		}
		return o.c.email, nil
	})
}
