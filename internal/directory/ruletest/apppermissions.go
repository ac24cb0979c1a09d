package ruletest

import (
	"context"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// appAs grants the Lab Notebook app perms of orgdir's API (as Contoso's
// Global Administrator), takes a client credentials token and returns
// the context of the app acting with it, as the API would.
func (w *oauthWorld) appAs(perms ...string) context.Context {
	w.t.Helper()
	for _, p := range perms {
		must(w.svc.AssignAppRoleTo(w.as(w.contosoAdmin), w.contoso.ID, directory.OrgdirAPIAppID, w.app.ID, p))(w.t)
	}
	tok := must(w.svc.ClientCredentials(context.Background(), w.contoso.ID, w.web))(w.t)
	actor := must(w.svc.AuthenticateAPIAccess(context.Background(), directory.APIAccess{TenantID: w.contoso.ID,
		AppID: tok.AppID, Roles: tok.APIRoles}))(w.t)
	return directory.WithActor(context.Background(), actor)
}

// appCan is what one operation of the app answers: nil or its error.
type appCan map[string]func(ctx context.Context, w *oauthWorld) error

func appOperations() appCan {
	return appCan{
		"list users": func(ctx context.Context, w *oauthWorld) error {
			_, err := w.svc.ListUsers(ctx, w.contoso.ID, directory.UserQuery{})
			return err
		},
		"create a user": func(ctx context.Context, w *oauthWorld) error {
			_, err := w.svc.CreateUser(ctx, w.contoso.ID, directory.NewUser{UserPrincipalName: "daemon-made-" + directory.NewID()[:8] + "@contoso.example",
				DisplayName: "Made by a daemon"})
			return err
		},
		"list groups": func(ctx context.Context, w *oauthWorld) error {
			_, err := w.svc.ListGroups(ctx, w.contoso.ID, directory.GroupQuery{})
			return err
		},
		"create a group": func(ctx context.Context, w *oauthWorld) error {
			_, err := w.svc.CreateGroup(ctx, w.contoso.ID, "Daemon group", "")
			return err
		},
		"add a group member": func(ctx context.Context, w *oauthWorld) error {
			return w.svc.AddGroupMember(ctx, w.contoso.ID, w.team.ID, w.contosoAdmin.ID)
		},
		"read the audit log": func(ctx context.Context, w *oauthWorld) error {
			_, err := w.svc.ListAudit(ctx, w.contoso.ID, directory.AuditQuery{})
			return err
		},
		"list applications": func(ctx context.Context, w *oauthWorld) error {
			_, err := w.svc.ListApplications(ctx, w.contoso.ID, directory.Page{})
			return err
		},
		"change settings": func(ctx context.Context, w *oauthWorld) error {
			name := "Renamed by a daemon"
			_, err := w.svc.UpdateTenant(ctx, w.contoso.ID, directory.TenantPatch{DisplayName: &name})
			return err
		},
		"grant a directory role": func(ctx context.Context, w *oauthWorld) error {
			return w.svc.AddRole(ctx, w.contoso.ID, w.adaGuest.ID, directory.RoleGuestInviter)
		},
		"grant itself a permission": func(ctx context.Context, w *oauthWorld) error {
			_, err := w.svc.AssignAppRoleTo(ctx, w.contoso.ID, directory.OrgdirAPIAppID, w.app.ID, directory.PermAuditLogReadAll)
			return err
		},
		"list Fabrikam's users": func(ctx context.Context, w *oauthWorld) error {
			_, err := w.svc.ListUsers(ctx, w.fabrikam.ID, directory.UserQuery{})
			return err
		},
	}
}

// testAppPermissions pins what each application permission of orgdir's
// API lets an app acting as itself do, and that a grant removed ends at
// once.
func testAppPermissions(t *testing.T, ns NewStore) {
	allowed := map[string][]string{
		"":                                  nil,
		directory.PermUserReadAll:           {"list users"},
		directory.PermUserReadWriteAll:      {"list users", "create a user"},
		directory.PermGroupReadWriteAll:     {"list groups", "create a group", "add a group member"},
		directory.PermAuditLogReadAll:       {"read the audit log"},
		directory.PermDirectoryReadWriteAll: {"list users", "create a user", "list groups", "create a group", "add a group member", "list applications"},
	}
	for perm, want := range allowed {
		t.Run("With"+perm, func(t *testing.T) {
			w := newOAuthWorld(t, ns)
			var ctx context.Context
			if perm == "" {
				ctx = w.appAs()
			} else {
				ctx = w.appAs(perm)
			}
			for name, op := range appOperations() {
				err := op(ctx, w)
				if contains(want, name) {
					if err != nil {
						t.Errorf("%s with %q: %v", name, perm, err)
					}
					continue
				}
				// An object the app may not even read is not found, as for a user.
				if e := directory.AsError(err); err == nil || e.Kind != directory.KindForbidden && e.Kind != directory.KindNotFound {
					t.Errorf("%s with %q: %v, want KindForbidden", name, perm, err)
				}
			}
		})
	}

	t.Run("AuditNamesTheApplication", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		ctx := w.appAs(directory.PermUserReadWriteAll)
		u := must(w.svc.CreateUser(ctx, w.contoso.ID, directory.NewUser{UserPrincipalName: "made@contoso.example", DisplayName: "Made"}))(t)
		page := must(w.svc.ListAudit(w.as(w.contosoAdmin), w.contoso.ID, directory.AuditQuery{TargetID: u.ID}))(t)
		if len(page) != 1 {
			t.Fatalf("%d events of the new user", len(page))
		}
		if in := page[0].Initiator; in.AppID != w.app.ID || in.AppName != w.app.DisplayName || in.UserID != "" {
			t.Errorf("initiator %+v, want the app %s", in, w.app.ID)
		}
	})

	t.Run("AUserAdministratorIsNotAGlobalAdministrator", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		ctx := w.appAs(directory.PermUserReadWriteAll)
		name := "Pwned"
		_, err := w.svc.UpdateUser(ctx, w.contoso.ID, w.contosoAdmin.ID, directory.UserPatch{DisplayName: &name})
		wantKind(t, err, directory.KindForbidden)
		_, err = w.svc.UpdateUser(ctx, w.contoso.ID, w.adaGuest.ID, directory.UserPatch{DisplayName: &name})
		ok(t, err)
	})

	t.Run("ARemovedGrantEndsAtOnce", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		ctx := w.appAs(directory.PermUserReadAll)
		grants := must(w.svc.ListAPIPermissions(w.as(w.contosoAdmin), w.contoso.ID, w.app.ID))(t)
		if len(grants) != 1 || grants[0].PrincipalType != directory.PrincipalServicePrincipal || grants[0].ResourceID != directory.OrgdirAPIAppID {
			t.Fatalf("grants %+v", grants)
		}
		ok(t, w.svc.RemoveAppRoleAssignedTo(w.as(w.contosoAdmin), w.contoso.ID, directory.OrgdirAPIAppID, grants[0].ID))
		_, err := w.svc.ListUsers(ctx, w.contoso.ID, directory.UserQuery{})
		wantKind(t, err, directory.KindForbidden)
	})

	t.Run("AGrantAddedNeedsANewToken", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		old := w.appAs()
		fresh := w.appAs(directory.PermUserReadAll)
		_, err := w.svc.ListUsers(old, w.contoso.ID, directory.UserQuery{})
		wantKind(t, err, directory.KindForbidden)
		_, err = w.svc.ListUsers(fresh, w.contoso.ID, directory.UserQuery{})
		ok(t, err)
	})

	t.Run("OnlyAGlobalAdministratorGrants", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		ua := w.member(w.contoso, "ua", "User Admin", directory.RoleUserAdministrator)
		_, err := w.svc.AssignAppRoleTo(w.as(ua), w.contoso.ID, directory.OrgdirAPIAppID, w.app.ID, directory.PermUserReadAll)
		wantKind(t, err, directory.KindForbidden)
		_, err = w.svc.AssignAppRoleTo(w.as(w.fabrikamAdmin), w.contoso.ID, directory.OrgdirAPIAppID, w.app.ID, directory.PermUserReadAll)
		wantKind(t, err, directory.KindForbidden)
		_, err = w.svc.AssignAppRoleTo(w.as(w.fabrikamAdmin), w.fabrikam.ID, directory.OrgdirAPIAppID, w.app.ID, directory.PermUserReadAll)
		wantKind(t, err, directory.KindNotFound) // Contoso's app, in Fabrikam's name
		_, err = w.svc.AssignAppRoleTo(w.as(w.contosoAdmin), w.contoso.ID, directory.OrgdirAPIAppID, w.app.ID, "Mail.Send")
		wantKind(t, err, directory.KindInvalid)
		admin := w.as(w.contosoAdmin)
		g := must(w.svc.AssignAppRoleTo(admin, w.contoso.ID, directory.OrgdirAPIAppID, w.app.ID, directory.APIPermissions[0].ID))(t)
		if g.AppRoleID != directory.APIPermissions[0].ID {
			t.Errorf("granted %s", g.AppRoleID)
		}
		_, err = w.svc.AssignAppRoleTo(admin, w.contoso.ID, directory.OrgdirAPIAppID, w.app.ID, directory.APIPermissions[0].Value)
		wantKind(t, err, directory.KindConflict)
		page := must(w.svc.ListAudit(admin, w.contoso.ID, directory.AuditQuery{TargetID: w.app.ID}))(t)
		granted := 0
		for _, e := range page {
			if e.Activity == directory.ActivityAddAppRoleToSP && e.Initiator.UserID == w.contosoAdmin.ID {
				granted++
			}
		}
		if granted != 1 {
			t.Errorf("%d audit events of the grant, want 1", granted)
		}
	})

	t.Run("ADelegatedTokenActsAsItsUserWhileItsGrantStands", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		issue := w.tokens()
		access := directory.APIAccess{TenantID: w.contoso.ID, GrantID: issue.GrantID, UserID: w.adaGuest.ID}
		actor := must(w.svc.AuthenticateAPIAccess(context.Background(), access))(t)
		if actor.UserID != w.adaGuest.ID || actor.TenantID != w.contoso.ID || actor.AppID != "" {
			t.Fatalf("actor %+v", actor)
		}
		// The guest's directory roles apply: no listing of the tenant's users.
		_, err := w.svc.ListUsers(directory.WithActor(context.Background(), actor), w.contoso.ID, directory.UserQuery{})
		wantKind(t, err, directory.KindForbidden)
		// Another user's oid with this grant is refused.
		_, err = w.svc.AuthenticateAPIAccess(context.Background(), directory.APIAccess{TenantID: w.contoso.ID, GrantID: issue.GrantID, UserID: w.contosoAdmin.ID})
		wantKind(t, err, directory.KindUnauthenticated)
		ok(t, w.svc.RevokeSignInSessions(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID))
		_, err = w.svc.AuthenticateAPIAccess(context.Background(), access)
		wantKind(t, err, directory.KindUnauthenticated)
		// The refusal is in Contoso's sign-in log, naming the guest.
		var logged bool
		for _, e := range must(w.svc.ListSignIns(w.as(w.contosoAdmin), w.contoso.ID, directory.SignInQuery{Limit: directory.MaxPageSize}))(t) {
			logged = logged || (e.UserID == w.adaGuest.ID && e.Method == directory.MethodToken && e.ErrorCode != 0)
		}
		if !logged {
			t.Error("the refused delegated token is not in the sign-in log")
		}
	})

	// Graph's delegated permissions: a token does what both its scopes and
	// its user's roles allow; one asked for with .default has no bound.
	t.Run("ADelegatedTokenIsBoundByItsScopes", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		ok(t, w.svc.AddRole(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID, directory.RoleUserAdministrator))
		issue := w.tokens()
		as := func(scopes ...string) context.Context {
			actor := must(w.svc.AuthenticateAPIAccess(context.Background(), directory.APIAccess{TenantID: w.contoso.ID,
				GrantID: issue.GrantID, UserID: w.adaGuest.ID, Scopes: append([]string{"openid", "profile"}, scopes...)}))(t)
			return directory.WithActor(context.Background(), actor)
		}
		api := directory.OrgdirAPIAppID + "/"
		create := func(ctx context.Context) error {
			_, err := w.svc.CreateUser(ctx, w.contoso.ID, directory.NewUser{UserPrincipalName: "scoped-" + directory.NewID()[:8] + "@contoso.example", DisplayName: "Scoped"})
			return err
		}
		list := func(ctx context.Context) error {
			_, err := w.svc.ListUsers(ctx, w.contoso.ID, directory.UserQuery{})
			return err
		}
		read := as(api + directory.PermUserReadAll)
		ok(t, list(read))
		wantKind(t, create(read), directory.KindForbidden)
		ok(t, create(as(api+directory.PermUserReadWriteAll)))
		ok(t, create(as(api+".default")))
		// No scope of the API: nothing of the directory beyond oneself.
		wantKind(t, list(as()), directory.KindForbidden)
		if _, err := w.svc.GetUser(as(), w.contoso.ID, w.adaGuest.ID); err != nil {
			t.Errorf("reading oneself without a scope: %v", err)
		}
		// A scope never adds to the user's roles.
		ok(t, w.svc.RemoveRole(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID, directory.RoleUserAdministrator))
		wantKind(t, create(as(api+directory.PermDirectoryReadWriteAll)), directory.KindForbidden)
	})

	t.Run("ADelegatedTokenOfADisabledUserIsRefused", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		issue := w.tokens()
		off := false
		must(w.svc.UpdateUser(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID, directory.UserPatch{AccountEnabled: &off}))(t)
		_, err := w.svc.AuthenticateAPIAccess(context.Background(), directory.APIAccess{TenantID: w.contoso.ID, GrantID: issue.GrantID, UserID: w.adaGuest.ID})
		wantKind(t, err, directory.KindUnauthenticated)
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
