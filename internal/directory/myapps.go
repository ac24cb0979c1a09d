package directory

import (
	"context"
	"slices"
	"strings"
)

// MyApp is one tile of My Apps: an application the person is assigned to
// in one tenant.
type MyApp struct {
	AppID       string
	DisplayName string
	// HomePageURL is where the tile opens the app (web.homePageUrl); ""
	// when the app has none, and the tile cannot open it.
	HomePageURL string
	Roles       []string // display names of the roles the person holds
}

// MyApps lists the applications of tenantID that the actor's person is
// assigned to there, by name, as Entra's My Apps shows them. The person's
// user object in the tenant (their own as a member, their guest
// otherwise) must be live, accepted and enabled; anything else lists no
// apps: the tenant is KindNotFound for a person with no live user there
// (one who left included), KindAccountDisabled with the tenant's contact
// for a disabled one, so that the page can say why.
func (s *Service) MyApps(ctx context.Context, tenantID string) ([]MyApp, error) {
	return readResult(s, ctx, func(o *op) ([]MyApp, error) {
		p, err := o.person()
		if err != nil {
			return nil, err
		}
		if !ValidID(tenantID) {
			return nil, notFound("organization")
		}
		t, err := o.tx.GetTenant(o.ctx, tenantID)
		if IsKind(err, KindNotFound) {
			return nil, notFound("organization")
		}
		if err != nil {
			return nil, err
		}
		u, err := o.userOfPerson(p, tenantID)
		if err != nil {
			return nil, err
		}
		if u == nil || u.Deleted() || u.External() && u.ExternalUserState != Accepted {
			return nil, notFound("organization")
		}
		if !u.AccountEnabled {
			e := Errorf(KindAccountDisabled, "your account in %s is disabled; contact its administrator", t.DisplayName)
			e.Contact = t.Contact()
			return nil, e
		}
		grants, err := o.tx.ListAppRoleAssignments(o.ctx, tenantID, u.ID)
		if err != nil {
			return nil, err
		}
		// A role assigned to a group the user is in is the user's, as
		// at sign-in (appClaims).
		groups, err := o.tx.ListMemberOf(o.ctx, tenantID, u.ID)
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			gas, err := o.tx.ListGroupAppRoleAssignments(o.ctx, tenantID, g.ID)
			if err != nil {
				return nil, err
			}
			grants = append(grants, gas...)
		}
		var ids []string
		roles := map[string][]string{} // app id → role ids held
		for _, g := range grants {
			if _, seen := roles[g.ResourceID]; !seen {
				ids = append(ids, g.ResourceID)
			}
			roles[g.ResourceID] = append(roles[g.ResourceID], g.AppRoleID)
		}
		out := []MyApp{}
		for _, id := range ids {
			a, err := o.tx.GetApplication(o.ctx, tenantID, id)
			if err != nil {
				return nil, err
			}
			tile := MyApp{AppID: a.ID, DisplayName: a.DisplayName, HomePageURL: a.WebHomePageURL, Roles: []string{}}
			for _, r := range a.AppRoles {
				if slices.Contains(roles[id], r.ID) {
					tile.Roles = append(tile.Roles, r.DisplayName)
				}
			}
			out = append(out, tile)
		}
		slices.SortFunc(out, func(a, b MyApp) int {
			if c := strings.Compare(strings.ToLower(a.DisplayName), strings.ToLower(b.DisplayName)); c != 0 {
				return c
			}
			return strings.Compare(a.AppID, b.AppID)
		})
		return out, nil
	})
}

// AppAssignee is one assignment of an application, with its user or
// group.
type AppAssignee struct {
	Assignment *AppRoleAssignment
	User       *User  // nil for a group's
	Group      *Group // nil for a user's
	RoleName   string // the role's display name
}

// ListAppAssignees lists who is assigned to an application (users and
// groups), oldest first, to
// the tenant's members. Deleted users' assignments stay hidden until a
// restore brings them back.
func (s *Service) ListAppAssignees(ctx context.Context, tenantID, appID string) ([]AppAssignee, error) {
	return readResult(s, ctx, func(o *op) ([]AppAssignee, error) {
		if _, err := o.permittedTenant(tenantID, permRead); err != nil {
			return nil, err
		}
		a, err := o.application(tenantID, appID)
		if err != nil {
			return nil, err
		}
		list, err := o.tx.ListAppAssignments(o.ctx, tenantID, a.ID)
		if err != nil {
			return nil, err
		}
		out := []AppAssignee{}
		for _, x := range list {
			name := defaultAppRole().DisplayName
			if i := slices.IndexFunc(a.AppRoles, func(r AppRole) bool { return r.ID == x.AppRoleID }); i >= 0 {
				name = a.AppRoles[i].DisplayName
			}
			if x.PrincipalType == "Group" {
				g, err := o.tx.GetGroup(o.ctx, tenantID, x.PrincipalID)
				if IsKind(err, KindNotFound) {
					continue
				}
				if err != nil {
					return nil, err
				}
				out = append(out, AppAssignee{Assignment: x, Group: g, RoleName: name})
				continue
			}
			u, err := o.tx.GetUser(o.ctx, tenantID, x.PrincipalID)
			if IsKind(err, KindNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if u.Deleted() {
				continue
			}
			out = append(out, AppAssignee{Assignment: x, User: u, RoleName: name})
		}
		return out, nil
	})
}
