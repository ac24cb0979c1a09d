package directory

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"time"
)

// Kinds of bulk job.
const (
	BulkCreateUsers = "createUsers"
	BulkInviteUsers = "inviteUsers"
)

// States of a bulk job.
const (
	BulkRunning  = "running"
	BulkFinished = "finished"
	BulkFailed   = "failed" // stopped before its last row, with Error
)

// BulkJob is a bulk operation of the admin portal: its counts move on in
// the transaction of each batch, so any instance shows its progress.
type BulkJob struct {
	ID         string
	TenantID   string
	Kind       string // BulkCreateUsers or BulkInviteUsers
	State      string
	Total      int
	Done       int
	Failed     int
	CreatedBy  string // the user id of the administrator who started it
	CreatedAt  time.Time
	UpdatedAt  time.Time // the end of its last batch
	FinishedAt *time.Time
	// Result is the per-row result CSV once finished (BulkResultCSV);
	// when State is BulkFailed, its first line says why it stopped.
	Result string
}

// BulkJobTx keeps bulk jobs.
type BulkJobTx interface {
	CreateBulkJob(ctx context.Context, j *BulkJob) error
	// UpdateBulkJob writes State, Done, Failed, UpdatedAt, FinishedAt and
	// Result.
	UpdateBulkJob(ctx context.Context, j *BulkJob) error
	GetBulkJob(ctx context.Context, tenantID, id string) (*BulkJob, error)
	// DeleteBulkJobsBefore deletes the jobs, of every tenant, that have
	// not moved since before, and says how many.
	DeleteBulkJobsBefore(ctx context.Context, before time.Time) (int, error)
}

// RowTx runs part of a Write in a savepoint.
type RowTx interface {
	// Savepoint runs fn in a savepoint of the Write: when fn fails, what
	// it wrote is undone and the Write goes on, as if fn had not run.
	Savepoint(ctx context.Context, fn func() error) error
}

// BulkRowResult is the outcome of one row of a bulk operation.
type BulkRowResult struct {
	Row int    // the row's line in the file (the first data row is after the headers)
	Key string // what the row names: its userPrincipalName or e-mail address
	ID  string // the user made, when done
	Err error  // nil when done
}

// BulkResultCSV is the result file of a bulk operation: a header, then
// one line per row: its number, its key, and "done" or the reason.
func BulkResultCSV(results []BulkRowResult) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"row", "key", "result"})
	for _, r := range results {
		outcome := "done"
		if r.Err != nil {
			outcome = AsError(r.Err).Message
		}
		_ = w.Write([]string{strconv.Itoa(r.Row), r.Key, outcome})
	}
	w.Flush()
	return b.Bytes()
}

// bulkPerm is the permission a kind of bulk job needs.
func bulkPerm(kind string) (perm, error) {
	switch kind {
	case BulkCreateUsers:
		return permManageUsers, nil
	case BulkInviteUsers:
		return permInvite, nil
	}
	return 0, Invalidf("kind", "no bulk operation %q", kind)
}

// StartBulkJob records a bulk job of total rows, running, for the caller
// to run with CreateUsers or InviteUsers (Global and User Administrators
// for both; Guest Inviters for invitations).
func (s *Service) StartBulkJob(ctx context.Context, tenantID, kind string, total int) (*BulkJob, error) {
	p, err := bulkPerm(kind)
	if err != nil {
		return nil, err
	}
	if total < 1 || total > MaxBulkRows {
		return nil, Invalidf("file", "a bulk file has 1 to %d rows, not %d", MaxBulkRows, total)
	}
	var j *BulkJob
	err = s.write(ctx, func(o *op) error {
		if err := o.c.require(tenantID, p); err != nil {
			return err
		}
		j = &BulkJob{ID: s.newID(), TenantID: tenantID, Kind: kind, State: BulkRunning, Total: total, CreatedAt: o.now, UpdatedAt: o.now}
		if o.c.user != nil {
			j.CreatedBy = o.c.user.ID
		}
		return o.tx.CreateBulkJob(o.ctx, j)
	})
	if err != nil {
		return nil, err
	}
	return j, nil
}

// BulkStallAfter is how long a running bulk job may go without finishing
// a batch before its progress page says its instance may have stopped (a
// batch of 500 rows takes well under a second, or a minute with
// passwords).
const BulkStallAfter = 5 * time.Minute

// Stalled says whether a running job has not moved for BulkStallAfter.
func (j *BulkJob) Stalled(now time.Time) bool {
	return j.State == BulkRunning && now.Sub(j.UpdatedAt) > BulkStallAfter
}

// BulkJobRetention is how long a bulk job and its result CSV are kept
// after its last batch. The result names each row's user (its
// userPrincipalName or address), so it is kept no longer than an
// administrator needs to fetch it.
const BulkJobRetention = 7 * 24 * time.Hour

// ExpireBulkJobs deletes the bulk jobs that have not moved for
// BulkJobRetention (orgdir itself only: the purge pass) and says how many.
func (s *Service) ExpireBulkJobs(ctx context.Context) (int, error) {
	n := 0
	err := s.write(ctx, func(o *op) error {
		if !o.c.system() {
			return Errorf(KindForbidden, "only orgdir itself expires bulk operations")
		}
		var err error
		n, err = o.tx.DeleteBulkJobsBefore(o.ctx, o.now.Add(-BulkJobRetention))
		return err
	})
	return n, err
}

// GetBulkJob returns a bulk job of the tenant to those who may start one
// of its kind.
func (s *Service) GetBulkJob(ctx context.Context, tenantID, id string) (*BulkJob, error) {
	return readResult(s, ctx, func(o *op) (*BulkJob, error) {
		if !ValidID(id) {
			return nil, notFound("bulk operation")
		}
		j, err := o.tx.GetBulkJob(o.ctx, tenantID, id)
		if err != nil {
			return nil, err
		}
		p, err := bulkPerm(j.Kind)
		if err != nil {
			return nil, Internal(err)
		}
		if err := o.c.requireObject(tenantID, p, "bulk operation"); err != nil {
			return nil, err
		}
		return j, nil
	})
}

// finishBulkJob records the end of job: its result CSV, or why it
// stopped.
func (s *Service) finishBulkJob(ctx context.Context, job *BulkJob, results []BulkRowResult, stopped error) error {
	return s.write(ctx, func(o *op) error {
		j, err := o.tx.GetBulkJob(o.ctx, job.TenantID, job.ID)
		if err != nil {
			return err
		}
		at := o.now
		j.FinishedAt, j.UpdatedAt = &at, at
		j.Done, j.Failed = job.Done, job.Failed
		j.State = BulkFinished
		j.Result = string(BulkResultCSV(results))
		if stopped != nil {
			j.State = BulkFailed
			j.Result = "stopped: " + AsError(stopped).Message + "\n" + j.Result
		}
		*job = *j
		return o.tx.UpdateBulkJob(o.ctx, j)
	})
}
