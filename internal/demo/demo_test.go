package demo

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/auth"
	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/sqlite"
)

const publicURL = "http://localhost:8080"

// newService opens a fresh SQLite store in a temp dir (or the one at path)
// with a cheap password hasher: the tests check the passwords, not argon2's cost.
func newService(t *testing.T, path string) *directory.Service {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open SQLite at %s: %v", path, err)
	}
	t.Cleanup(func() { st.Close() })
	hasher := &auth.Argon2Hasher{Params: auth.Argon2Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 16, SaltLen: 8}}
	clock := directory.NewFixedClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
	return directory.NewService(st, directory.Options{Clock: clock.Now, PublicBaseURL: publicURL, PasswordHasher: hasher})
}

func system(ctx context.Context) context.Context {
	return directory.WithActor(ctx, directory.SystemActor("demo test"))
}

func seed(t *testing.T, svc *directory.Service) *Demo {
	t.Helper()
	d, err := Seed(context.Background(), svc, publicURL)
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	return d
}

func countUsers(t *testing.T, svc *directory.Service, tenantID string, deleted bool) int {
	t.Helper()
	n, err := svc.CountUsers(system(context.Background()), tenantID, directory.UserQuery{Deleted: deleted})
	if err != nil {
		t.Fatalf("CountUsers: %v", err)
	}
	return n
}

func TestSeedMakesTheDemoWorld(t *testing.T) {
	svc := newService(t, filepath.Join(t.TempDir(), "orgdir.db"))
	d := seed(t, svc)
	ctx := system(context.Background())

	if d.Contoso.InitialDomain != ContosoDomain || d.Fabrikam.InitialDomain != FabrikamDomain {
		t.Fatalf("tenants = %s, %s", d.Contoso.InitialDomain, d.Fabrikam.InitialDomain)
	}
	if d.Contoso.Settings.PrivacyContactEmail != ContosoPrivacyMail || d.Contoso.Settings.PrivacyStatementURL != ContosoPrivacyURL {
		t.Errorf("Contoso privacy = %+v, want the demo contact", d.Contoso.Settings)
	}

	for _, a := range []struct {
		tenant *directory.Tenant
		user   *directory.User
		pass   string
	}{{d.Contoso, d.ContosoAdmin, ContosoAdminPass}, {d.Fabrikam, d.FabrikamAdmin, FabrikamAdminPass}} {
		roles, err := svc.ListRoles(ctx, a.tenant.ID, a.user.ID)
		if err != nil {
			t.Fatalf("ListRoles(%s): %v", a.user.UserPrincipalName, err)
		}
		if len(roles) != 1 || roles[0] != directory.RoleGlobalAdministrator {
			t.Errorf("%s roles = %v, want Global Administrator", a.user.UserPrincipalName, roles)
		}
		if _, err := svc.CheckPassword(ctx, a.user.UserPrincipalName, a.pass); err != nil {
			t.Errorf("%s cannot sign in with the printed password: %v", a.user.UserPrincipalName, err)
		}
	}
	if _, err := svc.CheckPassword(ctx, AdaUPN, AdaPassword); err != nil {
		t.Errorf("Ada cannot sign in with the printed password: %v", err)
	}

	g := d.AdaGuest
	if g.TenantID != d.Contoso.ID || g.UserType != directory.Guest || g.ExternalUserState != directory.Accepted {
		t.Errorf("Ada in Contoso = tenant %s, %s, %s; want an accepted guest of Contoso", g.TenantID, g.UserType, g.ExternalUserState)
	}
	if g.HomeUserID != d.Ada.ID {
		t.Errorf("Ada's guest is bound to home user %q, want Ada at Fabrikam %q", g.HomeUserID, d.Ada.ID)
	}
	groups, err := svc.ListMemberOf(ctx, d.Contoso.ID, g.ID)
	if err != nil || len(groups) != 1 || groups[0].DisplayName != GroupName {
		t.Errorf("Ada's groups in Contoso = %v, %v; want [%s]", groups, err, GroupName)
	}
	as, err := svc.ListAppRoleAssignments(ctx, d.Contoso.ID, g.ID)
	if err != nil || len(as) != 1 || as[0].ResourceID != d.App.ID || as[0].AppRoleID != d.AppRole.ID {
		t.Errorf("Ada's app roles in Contoso = %v, %v; want %s of %s", as, err, AppRoleValue, AppName)
	}

	if d.Grace == nil || d.Grace.ExternalUserState != directory.PendingAcceptance {
		t.Fatalf("Grace = %+v, want a pending guest", d.Grace)
	}
	if d.GraceInvite == nil || !strings.HasPrefix(d.GraceInvite.RedeemURL, publicURL+"/") {
		t.Fatalf("Grace's invitation = %+v, want a redeem URL under %s", d.GraceInvite, publicURL)
	}
	inv, tenant, err := svc.LookupInvitation(ctx, d.GraceInvite.RedeemToken)
	if err != nil || tenant.ID != d.Contoso.ID || inv.InvitedEmail != GraceEmail {
		t.Errorf("the printed redeem token does not lead to Grace's invitation into Contoso: %v", err)
	}
}

func TestSeedTwiceReusesEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "orgdir.db")
	svc := newService(t, path)
	first := seed(t, svc)
	contosoUsers := countUsers(t, svc, first.Contoso.ID, false)
	fabrikamUsers := countUsers(t, svc, first.Fabrikam.ID, false)

	second := seed(t, svc)

	for _, p := range []struct{ what, a, b string }{
		{"Contoso", first.Contoso.ID, second.Contoso.ID},
		{"Fabrikam", first.Fabrikam.ID, second.Fabrikam.ID},
		{"Contoso admin", first.ContosoAdmin.ID, second.ContosoAdmin.ID},
		{"Ada's guest", first.AdaGuest.ID, second.AdaGuest.ID},
		{"group", first.Group.ID, second.Group.ID},
		{"app", first.App.ID, second.App.ID},
		{"assignment", first.Assignment.ID, second.Assignment.ID},
		{"Grace", first.Grace.ID, second.Grace.ID},
	} {
		if p.a != p.b {
			t.Errorf("%s: second seed made %s, want the first's %s", p.what, p.b, p.a)
		}
	}
	if second.GraceInvite != nil {
		t.Error("second seed invited Grace again")
	}
	if n := countUsers(t, svc, first.Contoso.ID, false); n != contosoUsers {
		t.Errorf("Contoso has %d users after the second seed, want %d", n, contosoUsers)
	}
	if n := countUsers(t, svc, first.Fabrikam.ID, false); n != fabrikamUsers {
		t.Errorf("Fabrikam has %d users after the second seed, want %d", n, fabrikamUsers)
	}
}

func TestSeedDoesNotBringBackAGuestWhoLeft(t *testing.T) {
	svc := newService(t, filepath.Join(t.TempDir(), "orgdir.db"))
	d := seed(t, svc)
	asAda := directory.WithActor(context.Background(), directory.UserActor(d.Fabrikam.ID, d.Ada.ID))
	if err := svc.Leave(asAda, d.Contoso.ID); err != nil {
		t.Fatalf("Ada leaves Contoso: %v", err)
	}
	live := countUsers(t, svc, d.Contoso.ID, false)

	again := seed(t, svc)

	if !again.AdaGuest.Deleted() || again.AdaGuest.ID != d.AdaGuest.ID {
		t.Errorf("after the second seed Ada's guest is %s deleted=%v, want the same user, still deleted", again.AdaGuest.ID, again.AdaGuest.Deleted())
	}
	if n := countUsers(t, svc, d.Contoso.ID, false); n != live {
		t.Errorf("Contoso has %d live users after the second seed, want %d (Ada not re-invited)", n, live)
	}
	var out bytes.Buffer
	again.Print(&out, publicURL)
	if !strings.Contains(out.String(), "has left Contoso") || !strings.Contains(out.String(), "can restore it there") {
		t.Errorf("the printout does not say Ada left and how she comes back:\n%s", out.String())
	}
}

func TestPrintSaysWhoCanSignInAndWarnsLoudly(t *testing.T) {
	svc := newService(t, filepath.Join(t.TempDir(), "orgdir.db"))
	d := seed(t, svc)
	var out bytes.Buffer
	d.Print(&out, publicURL+"/")
	text := out.String()
	for _, want := range []string{
		"FIXED, PUBLISHED passwords",
		"Sign in at " + publicURL + "/\n",
		ContosoAdminUPN, ContosoAdminPass,
		FabrikamAdminUPN, FabrikamAdminPass,
		AdaUPN, AdaPassword,
		d.AdaGuest.UserPrincipalName, GroupName, AppName,
		ContosoPrivacyMail,
		d.GraceInvite.RedeemURL,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the printout lacks %q:\n%s", want, text)
		}
	}
}

// TestSecondPrintTellsHowToGetANewLinkForThisServer: on a second start
// Grace's link is no longer known; the command it suggests must make a
// link to the server that is running (its --base-url), not to the
// command's default of localhost:8080.
func TestSecondPrintTellsHowToGetANewLinkForThisServer(t *testing.T) {
	svc := newService(t, filepath.Join(t.TempDir(), "orgdir.db"))
	seed(t, svc)
	again := seed(t, svc)
	if again.GraceInvite != nil {
		t.Fatal("the second seed made a new invitation for Grace")
	}
	var out bytes.Buffer
	again.Print(&out, "http://127.0.0.1:18123/")
	want := "'orgdir invite --tenant contoso.example --email " + GraceEmail + " --base-url http://127.0.0.1:18123' prints a new one"
	if !strings.Contains(out.String(), want) {
		t.Errorf("the printout does not suggest %q:\n%s", want, out.String())
	}
}

// TestPrintedWayToAcceptGracesInvitationIsTheOneThatWorks: the printout
// says only Grace's address can accept the pending invitation, by a
// passcode; the demo's members are refused and Grace's e-mail identity is
// not.
func TestPrintedWayToAcceptGracesInvitationIsTheOneThatWorks(t *testing.T) {
	svc := newService(t, filepath.Join(t.TempDir(), "orgdir.db"))
	d := seed(t, svc)
	var out bytes.Buffer
	d.Print(&out, publicURL+"/")
	want := "only " + GraceEmail + " can accept it: open the link, choose \"Send a code to " + GraceEmail + "\""
	if !strings.Contains(out.String(), want) {
		t.Errorf("the printout does not say %q:\n%s", want, out.String())
	}
	for _, member := range []*directory.User{d.Ada, d.FabrikamAdmin} {
		ctx := directory.WithActor(context.Background(), directory.UserActor(member.TenantID, member.ID))
		if _, err := svc.Redeem(ctx, d.GraceInvite.RedeemToken); !directory.IsKind(err, directory.KindInvitationOtherAddress) {
			t.Errorf("%s redeeming Grace's invitation: %v, want it refused as for another address", member.UserPrincipalName, err)
		}
	}
	grace, err := svc.EnsureEmailIdentity(system(context.Background()), GraceEmail)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Redeem(directory.WithActor(context.Background(), directory.EmailActor(grace.ID)), d.GraceInvite.RedeemToken); err != nil {
		t.Errorf("Grace redeeming her invitation: %v", err)
	}
}
