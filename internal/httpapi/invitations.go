package httpapi

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
)

// invitationRequest is Graph's POST /invitations body.
type invitationRequest struct {
	ODataType               *string `json:"@odata.type"`
	InvitedUserEmailAddress *string `json:"invitedUserEmailAddress"`
	InviteRedirectURL       *string `json:"inviteRedirectUrl"`
	InvitedUserDisplayName  *string `json:"invitedUserDisplayName"`
	SendInvitationMessage   *bool   `json:"sendInvitationMessage"`
	InvitedUserType         *string `json:"invitedUserType"`
	InvitedUserMessageInfo  *struct {
		ODataType             *string `json:"@odata.type"`
		CustomizedMessageBody *string `json:"customizedMessageBody"`
		MessageLanguage       *string `json:"messageLanguage"`
		CCRecipients          []any   `json:"ccRecipients"`
	} `json:"invitedUserMessageInfo"`
}

func (a *API) handleInvite(w http.ResponseWriter, r *http.Request) error {
	if err := noQuery(r, "invitations"); err != nil {
		return err
	}
	var req invitationRequest
	if err := a.decode(w, r, &req, false); err != nil {
		return err
	}
	if err := checkODataType(req.ODataType, "#microsoft.graph.invitation"); err != nil {
		return err
	}
	if req.InvitedUserEmailAddress == nil {
		return directory.Invalidf("invitedUserEmailAddress", "invitedUserEmailAddress is required")
	}
	if req.InviteRedirectURL == nil {
		return directory.Invalidf("inviteRedirectUrl", "inviteRedirectUrl is required")
	}
	ir := directory.InviteRequest{
		InvitedUserEmailAddress: *req.InvitedUserEmailAddress,
		InviteRedirectURL:       *req.InviteRedirectURL,
		InvitedUserDisplayName:  deref(req.InvitedUserDisplayName),
		SendInvitationMessage:   deref(req.SendInvitationMessage),
		InvitedUserType:         directory.UserType(deref(req.InvitedUserType)),
	}
	if mi := req.InvitedUserMessageInfo; mi != nil {
		if len(mi.CCRecipients) > 0 {
			return directory.Invalidf("invitedUserMessageInfo.ccRecipients", "invitedUserMessageInfo.ccRecipients is not supported; leave it empty")
		}
		if l := deref(mi.MessageLanguage); l != "" && l != "en-US" {
			return directory.Invalidf("invitedUserMessageInfo.messageLanguage", "invitedUserMessageInfo.messageLanguage %q is not supported; orgdir writes en-US", l)
		}
		ir.CustomizedMessageBody = deref(mi.CustomizedMessageBody)
	}
	res, err := a.svc.Invite(r.Context(), tenant(r), ir)
	if err != nil {
		return err
	}
	// There is no GET /invitations/{id} in Graph; Location names the
	// invited user, the object the invitation created.
	w.Header().Set("Location", a.baseURL(r)+"/v1.0/users/"+res.User.ID)
	return writeJSON(w, http.StatusCreated, invitationObject(res).With("@odata.context", a.metadata(r, "invitations/$entity")))
}

func invitationObject(res *directory.InviteResult) graphjson.Object {
	inv := res.Invitation
	return graphjson.Object{
		{"@odata.type", "#microsoft.graph.invitation"},
		{"id", inv.ID},
		{"inviteRedeemUrl", res.RedeemURL},
		{"invitedUserDisplayName", graphjson.StrOrNull(inv.InvitedDisplayName)},
		{"invitedUserType", string(inv.InvitedUserType)},
		{"invitedUserEmailAddress", inv.InvitedEmail},
		{"sendInvitationMessage", inv.SendInvitationMessage},
		{"resetRedemption", false},
		{"inviteRedirectUrl", inv.InviteRedirectURL},
		{"status", string(inv.Status)},
		{"invitedUserMessageInfo", graphjson.Object{
			{"messageLanguage", nil},
			{"ccRecipients", []any{}},
			{"customizedMessageBody", graphjson.StrOrNull(inv.CustomizedMessageBody)},
		}},
		{"invitedUser", graphjson.Object{{"@odata.type", "#microsoft.graph.user"}, {"id", res.User.ID}}},
	}
}
