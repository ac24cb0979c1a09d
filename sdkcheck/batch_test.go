package sdkcheck

import (
	"testing"

	msgraphgocore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/orgdir/orgdir/internal/directory"
)

// TestGraphSDKBatchesAgainstOrgdir sends the SDK's BatchRequestContent to
// POST /v1.0/$batch: requests built by the SDK's own request builders, one
// that depends on another, one refused, one depending on the refused one.
func TestGraphSDKBatchesAgainstOrgdir(t *testing.T) {
	f := newFixture(t)
	ctx := f.ctx
	sys := directory.WithActor(ctx, directory.SystemActor("sdkcheck"))
	check(t, f.svc.AddGroupMember(sys, f.contoso.ID, f.group.ID, f.guest.ID))
	batch := msgraphgocore.NewBatchRequest(f.adapter)

	meInfo, err := f.client.Me().ToGetRequestInformation(ctx, nil)
	check(t, err)
	me, err := batch.AddBatchRequestStep(*meInfo)
	check(t, err)

	nu := models.NewUser()
	name, upn := "Batch Bea", "bea@contoso.example"
	nu.SetDisplayName(&name)
	nu.SetUserPrincipalName(&upn)
	createInfo, err := f.client.Users().ToPostRequestInformation(ctx, nu, nil)
	check(t, err)
	create, err := batch.AddBatchRequestStep(*createInfo)
	check(t, err)

	getInfo, err := f.client.Users().ByUserId(upn).ToGetRequestInformation(ctx, nil)
	check(t, err)
	get, err := batch.AddBatchRequestStep(*getInfo)
	check(t, err)
	get.DependsOnItem(create)

	otherInfo, err := f.client.Users().ByUserId(f.ada.ID).ToGetRequestInformation(ctx, nil) // Fabrikam's: 404
	check(t, err)
	other, err := batch.AddBatchRequestStep(*otherInfo)
	check(t, err)
	deleteInfo, err := f.client.Groups().ByGroupId(f.group.ID).Members().ByDirectoryObjectId(f.guest.ID).Ref().ToDeleteRequestInformation(ctx, nil)
	check(t, err)
	after, err := batch.AddBatchRequestStep(*deleteInfo)
	check(t, err)
	after.DependsOnItem(other)

	resp, err := batch.Send(ctx, f.adapter)
	check(t, err)
	codes := resp.GetStatusCodes()
	want := map[string]int32{*me.GetId(): 200, *create.GetId(): 201, *get.GetId(): 200, *other.GetId(): 404, *after.GetId(): 424}
	for id, status := range want {
		if codes[id] != status {
			t.Fatalf("status codes %v; want %v", codes, want)
		}
	}

	gotMe, err := msgraphgocore.GetBatchResponseById[models.Userable](resp, *me.GetId(), models.CreateUserFromDiscriminatorValue)
	check(t, err)
	if deref(gotMe.GetId()) != f.admin.ID || deref(gotMe.GetDisplayName()) != "Contoso Admin" {
		t.Fatalf("me: %s %s", deref(gotMe.GetId()), deref(gotMe.GetDisplayName()))
	}
	created, err := msgraphgocore.GetBatchResponseById[models.Userable](resp, *create.GetId(), models.CreateUserFromDiscriminatorValue)
	check(t, err)
	fetched, err := msgraphgocore.GetBatchResponseById[models.Userable](resp, *get.GetId(), models.CreateUserFromDiscriminatorValue)
	check(t, err)
	if created.GetId() == nil || deref(fetched.GetId()) != deref(created.GetId()) || deref(fetched.GetUserPrincipalName()) != upn {
		t.Fatalf("created %s, then fetched %s %s", deref(created.GetId()), deref(fetched.GetId()), deref(fetched.GetUserPrincipalName()))
	}

	// The refused dependent did not run: the guest is still a member.
	members, err := f.client.Groups().ByGroupId(f.group.ID).Members().Get(ctx, nil)
	check(t, err)
	if len(members.GetValue()) != 1 || deref(members.GetValue()[0].GetId()) != f.guest.ID {
		t.Fatalf("members after the batch: %d; the removal that depended on a 404 ran", len(members.GetValue()))
	}
}
