package webui

import (
	"net/http"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

// restorePreviewPage is what pressing Restore shows first: what comes
// back, what does not, and what stands in the way.
type restorePreviewPage struct {
	Page
	P *directory.RestorePreview
	// UPNTaken: only the user name clashes, so the form asks for a new one.
	UPNTaken bool
	// Blocked are the clashes a new user name does not fix.
	Blocked []directory.RestoreConflict
	Domain  string
}

// restorePreview renders the preview of restoring id, with the confirm
// form when the restore can go ahead. A preview with a clash is 409, as
// the restore itself would be.
func (u *UI) restorePreview(w http.ResponseWriter, r *http.Request, a *adminReq, id string) error {
	pv, err := u.svc.PreviewRestore(a.ctx, a.tenant.ID, id)
	if err != nil {
		return err
	}
	p := restorePreviewPage{Page: u.adminBase(w, r, a, "Restore "+pv.User.DisplayName+"?", "deleted"), P: pv, Domain: a.tenant.InitialDomain}
	for _, c := range pv.Conflicts {
		if c.Property == "userPrincipalName" {
			p.UPNTaken = true
			continue
		}
		c.Message = strings.ReplaceAll(c.Message, "userPrincipalName", "user name")
		p.Blocked = append(p.Blocked, c)
	}
	status := http.StatusOK
	if len(pv.Conflicts) > 0 || pv.Expired {
		status = http.StatusConflict
	}
	u.render(w, r, status, "restore_preview", p)
	return nil
}
