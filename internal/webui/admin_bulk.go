package webui

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/orgdir/orgdir/internal/bulkcsv"
	"github.com/orgdir/orgdir/internal/directory"
)

// bulkCreate starts a bulk create from an uploaded CSV file and sends the
// admin to its progress page.
func (u *UI) bulkCreate(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	return u.startBulk(w, r, a, directory.BulkCreateUsers, "bulk create", func(in io.Reader) (int, func(context.Context, *directory.BulkJob), error) {
		rows, bad, err := bulkcsv.Users(in)
		return len(rows) + len(bad), func(ctx context.Context, job *directory.BulkJob) {
			_, err := u.svc.CreateUsers(ctx, a.tenant.ID, rows, directory.BulkOptions{Job: job, Refused: bad})
			u.logBulk(job, err)
		}, err
	})
}

// bulkInvite is bulkCreate for a bulk invite.
func (u *UI) bulkInvite(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	return u.startBulk(w, r, a, directory.BulkInviteUsers, "bulk invite", func(in io.Reader) (int, func(context.Context, *directory.BulkJob), error) {
		rows, bad, err := bulkcsv.Invites(in)
		return len(rows) + len(bad), func(ctx context.Context, job *directory.BulkJob) {
			_, err := u.svc.InviteUsers(ctx, a.tenant.ID, rows, directory.BulkOptions{Job: job, Refused: bad})
			u.logBulk(job, err)
		}, err
	})
}

// startBulk reads the file (a file it cannot read changes nothing),
// records the job and runs it in the background: it outlives the request,
// not the process. Its counts are in the database, so the progress page
// works on every instance.
func (u *UI) startBulk(w http.ResponseWriter, r *http.Request, a *adminReq, kind, what string,
	read func(io.Reader) (int, func(context.Context, *directory.BulkJob), error)) error {
	file, _, err := r.FormFile("file")
	if err != nil {
		return directory.Invalidf("file", "choose a CSV file to upload")
	}
	defer file.Close()
	total, run, err := read(file)
	if err != nil {
		return err
	}
	job, err := u.svc.StartBulkJob(a.ctx, a.tenant.ID, kind, total)
	if err != nil {
		return err
	}
	progress := a.url("bulk", job.ID)   // before the job, which moves its counts, starts
	ctx := context.WithoutCancel(a.ctx) // the admin's actor, not the request's end
	go run(ctx, job)
	return u.redirect(w, r, progress, fmt.Sprintf("Started the %s of %d rows.", what, total))
}

func (u *UI) logBulk(job *directory.BulkJob, err error) {
	if err != nil && u.log != nil {
		u.log.Warn("webui: bulk operation stopped", "job", job.ID, "kind", job.Kind, "err", err)
	}
}

type bulkPage struct {
	Page
	Job             *directory.BulkJob
	Heading         string
	Handled         int
	Stopped         string
	Stalled         bool
	Back, BackLabel string
}

// bulkJob shows a bulk job's progress, refreshing itself while it runs.
func (u *UI) bulkJob(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	job, err := u.svc.GetBulkJob(a.ctx, a.tenant.ID, r.PathValue("job"))
	if err != nil {
		return err
	}
	p := bulkPage{Job: job, Handled: job.Done + job.Failed, Stalled: job.Stalled(u.now())}
	if job.Kind == directory.BulkInviteUsers {
		p.Page = u.adminBase(w, r, a, "Bulk invite", "invite")
		p.Heading, p.Back, p.BackLabel = "Bulk invite", a.url("invite"), "Back to Invite guest"
	} else {
		p.Page = u.adminBase(w, r, a, "Bulk create", "users")
		p.Heading, p.Back, p.BackLabel = "Bulk create", a.url("users"), "Back to Users"
	}
	if job.State == directory.BulkFailed {
		p.Stopped, _, _ = strings.Cut(strings.TrimPrefix(job.Result, "stopped: "), "\n")
	}
	u.render(w, r, http.StatusOK, "bulk", p)
	return nil
}

// bulkResult downloads a finished job's result CSV.
func (u *UI) bulkResult(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	job, err := u.svc.GetBulkJob(a.ctx, a.tenant.ID, r.PathValue("job"))
	if err != nil {
		return err
	}
	if job.State == directory.BulkRunning {
		return directory.Errorf(directory.KindConflict, "the bulk operation is still running; its result comes when it ends")
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="bulk-`+job.ID+`-result.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = io.WriteString(w, job.Result)
	return nil
}
