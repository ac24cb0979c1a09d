package sdkcheck

import (
	"context"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/microsoft/kiota-abstractions-go/authentication"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/server"
	"github.com/orgdir/orgdir/internal/store/sqlite"
	"github.com/orgdir/orgdir/internal/webhook"
)

// staticToken hands the SDK one orgdir bearer token for every request.
type staticToken string

func (s staticToken) GetAuthorizationToken(context.Context, *url.URL, map[string]any) (string, error) {
	return string(s), nil
}

func (staticToken) GetAllowedHostsValidator() *authentication.AllowedHostsValidator {
	v, _ := authentication.NewAllowedHostsValidatorErrorCheck(nil) // every host: the server is the test's
	return v
}

// fixture is orgdir, in process, over a temporary SQLite file: Contoso
// with its admin and a group, and Fabrikam with Ada, Contoso's guest.
type fixture struct {
	svc               *directory.Service
	contoso, fabrikam *directory.Tenant
	admin, ada, guest *directory.User
	group             *directory.Group
	client            *msgraphsdk.GraphServiceClient
	adapter           *msgraphsdk.GraphRequestAdapter
	ctx               context.Context
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		if oe, ok := err.(*odataerrors.ODataError); ok && oe.GetErrorEscaped() != nil {
			t.Fatalf("%v: %s: %s", err, deref(oe.GetErrorEscaped().GetCode()), deref(oe.GetErrorEscaped().GetMessage()))
		}
		t.Fatal(err)
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "orgdir.db"))
	check(t, err)
	t.Cleanup(func() { _ = st.Close() })
	svc := directory.NewService(st, directory.Options{PublicBaseURL: "http://orgdir.test", Webhooks: &webhook.Validator{AllowPrivate: true}})
	f := &fixture{svc: svc, ctx: ctx}
	sys := directory.WithActor(ctx, directory.SystemActor("sdkcheck"))
	f.contoso, err = svc.CreateTenant(sys, "Contoso", "contoso.example")
	check(t, err)
	f.fabrikam, err = svc.CreateTenant(sys, "Fabrikam", "fabrikam.example")
	check(t, err)
	f.admin, err = svc.CreateUser(sys, f.contoso.ID, directory.NewUser{UserPrincipalName: "admin@contoso.example", DisplayName: "Contoso Admin"})
	check(t, err)
	check(t, svc.AddRole(sys, f.contoso.ID, f.admin.ID, directory.RoleGlobalAdministrator))
	f.ada, err = svc.CreateUser(sys, f.fabrikam.ID, directory.NewUser{UserPrincipalName: "ada@fabrikam.example", DisplayName: "Ada Lovelace", Mail: "ada@fabrikam.example"})
	check(t, err)
	f.group, err = svc.CreateGroup(sys, f.contoso.ID, "Project Falcon", "")
	check(t, err)
	res, err := svc.Invite(sys, f.contoso.ID, directory.InviteRequest{InvitedUserEmailAddress: "ada@fabrikam.example", InviteRedirectURL: "http://orgdir.test/"})
	check(t, err)
	f.guest, err = svc.Redeem(directory.WithActor(ctx, directory.UserActor(f.fabrikam.ID, f.ada.ID)), res.RedeemToken)
	check(t, err)

	// The whole server, as orgdir serve runs it: the one pipeline (gzip,
	// request ids, $batch's inner requests) is part of what the SDK meets.
	handler, err := server.New(server.Deps{Service: svc, BaseURL: "http://orgdir.test"})
	check(t, err)
	srv := httptest.NewServer(handler.Handler())
	t.Cleanup(srv.Close)
	token, _, err := svc.CreateAccessToken(sys, f.contoso.ID, f.admin.ID, "sdkcheck", time.Hour)
	check(t, err)
	adapter, err := msgraphsdk.NewGraphRequestAdapter(authentication.NewBaseBearerTokenAuthenticationProvider(staticToken(token)))
	check(t, err)
	adapter.SetBaseUrl(srv.URL + "/v1.0")
	f.adapter = adapter
	f.client = msgraphsdk.NewGraphServiceClient(adapter)
	return f
}

func TestGraphSDKDrivesOrgdir(t *testing.T) {
	f := newFixture(t)
	ctx := f.ctx

	// List users.
	page, err := f.client.Users().Get(ctx, nil)
	check(t, err)
	if n := len(page.GetValue()); n != 2 {
		t.Fatalf("listed %d users, want the admin and the guest", n)
	}

	// Get one, by id.
	u, err := f.client.Users().ByUserId(f.guest.ID).Get(ctx, nil)
	check(t, err)
	if deref(u.GetUserPrincipalName()) != f.guest.UserPrincipalName || deref(u.GetUserType()) != "Guest" || deref(u.GetExternalUserState()) != "Accepted" {
		t.Fatalf("got %s %s %s", deref(u.GetUserPrincipalName()), deref(u.GetUserType()), deref(u.GetExternalUserState()))
	}

	// Create an invitation.
	inv := models.NewInvitation()
	email, redirect := "grace@example.org", "https://contoso.example/welcome"
	inv.SetInvitedUserEmailAddress(&email)
	inv.SetInviteRedirectUrl(&redirect)
	created, err := f.client.Invitations().Post(ctx, inv, nil)
	check(t, err)
	if deref(created.GetStatus()) != "PendingAcceptance" || created.GetInvitedUser() == nil || deref(created.GetInviteRedeemUrl()) == "<nil>" {
		t.Fatalf("invitation: status %s, redeem %s", deref(created.GetStatus()), deref(created.GetInviteRedeemUrl()))
	}

	// Add a group member ($ref).
	ref := models.NewReferenceCreate()
	odataID := "https://graph.microsoft.com/v1.0/directoryObjects/" + f.guest.ID
	ref.SetOdataId(&odataID)
	check(t, f.client.Groups().ByGroupId(f.group.ID).Members().Ref().Post(ctx, ref, nil))
	members, err := f.client.Groups().ByGroupId(f.group.ID).Members().Get(ctx, nil)
	check(t, err)
	if len(members.GetValue()) != 1 || deref(members.GetValue()[0].GetId()) != f.guest.ID {
		t.Fatalf("members: %d", len(members.GetValue()))
	}

	// Soft-delete the guest, list deleted users, restore it.
	check(t, f.client.Users().ByUserId(f.guest.ID).Delete(ctx, nil))
	deleted, err := f.client.Directory().DeletedItems().GraphUser().Get(ctx, nil)
	check(t, err)
	if len(deleted.GetValue()) != 1 || deref(deleted.GetValue()[0].GetId()) != f.guest.ID || deleted.GetValue()[0].GetDeletedDateTime() == nil {
		t.Fatalf("deleted users: %d", len(deleted.GetValue()))
	}
	restored, err := f.client.Directory().DeletedItems().ByDirectoryObjectId(f.guest.ID).Restore().Post(ctx, nil)
	check(t, err)
	ru, ok := restored.(models.Userable)
	if !ok || deref(ru.GetId()) != f.guest.ID {
		t.Fatalf("restore returned %T", restored)
	}
	groups, err := f.client.Users().ByUserId(f.guest.ID).MemberOf().Get(ctx, nil)
	check(t, err)
	if len(groups.GetValue()) != 1 {
		t.Fatalf("memberOf after restore: %d", len(groups.GetValue()))
	}
	if _, ok := groups.GetValue()[0].(models.Groupable); !ok {
		t.Fatalf("memberOf element is %T, want a group", groups.GetValue()[0])
	}

	// A Graph error reaches the SDK as an ODataError with orgdir's code.
	_, err = f.client.Users().ByUserId(f.ada.ID).Get(ctx, nil)
	oe, ok := err.(*odataerrors.ODataError)
	if !ok || oe.GetErrorEscaped() == nil || deref(oe.GetErrorEscaped().GetCode()) != "Request_ResourceNotFound" || oe.ResponseStatusCode != 404 {
		t.Fatalf("error for another tenant's user: %T %v", err, err)
	}
}
