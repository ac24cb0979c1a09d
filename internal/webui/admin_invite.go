package webui

import (
	"net/http"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

type invitePage struct {
	Page
	Form   struct{ Email, Name, Message string }
	Error  string
	Result *directory.InviteResult
}

func (u *UI) invitePage(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	u.render(w, r, http.StatusOK, "invite", invitePage{Page: u.adminBase(w, r, a, "Invite guest", "invite")})
	return nil
}

// invite invites a guest and shows the redeem link (it is known only now).
func (u *UI) invite(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	f := r.PostForm
	p := invitePage{Page: u.adminBase(w, r, a, "Invite guest", "invite")}
	p.Form.Email = strings.TrimSpace(f.Get("email"))
	p.Form.Name = strings.TrimSpace(f.Get("displayName"))
	p.Form.Message = strings.TrimSpace(f.Get("message"))
	res, err := u.svc.Invite(a.ctx, a.tenant.ID, directory.InviteRequest{
		InvitedUserEmailAddress: p.Form.Email,
		InviteRedirectURL:       u.baseURL + "/myaccount/organizations",
		InvitedUserDisplayName:  p.Form.Name,
		SendInvitationMessage:   true,
		CustomizedMessageBody:   p.Form.Message,
	})
	if k := directory.KindOf(err); k == directory.KindInvalid || k == directory.KindConflict {
		p.Error = inFormTerms(err, map[string]string{
			"invitedUserEmailAddress":                      "The e-mail address",
			"invitedUserDisplayName":                       "The name",
			"invitedUserMessageInfo.customizedMessageBody": "The personal message",
		})
		u.render(w, r, http.StatusBadRequest, "invite", p)
		return nil
	}
	if err != nil {
		return err
	}
	p.Result = res
	p.Flash = "Invited " + res.User.DisplayName + ". The invitation e-mail is on its way."
	if res.Resent {
		p.Flash = "Sent a new invitation to " + res.User.DisplayName + "."
	}
	p.Form.Email, p.Form.Name, p.Form.Message = "", "", ""
	u.render(w, r, http.StatusOK, "invite", p)
	return nil
}
