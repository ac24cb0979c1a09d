package directory

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// BulkBatch is how many rows of a bulk operation one transaction does.
const BulkBatch = 500

// MaxBulkRows bounds the rows of one bulk operation, all in memory.
const MaxBulkRows = 100000

// BulkUserRow is one row of a bulk create.
type BulkUserRow struct {
	Row  int
	User NewUser
}

// BulkInviteRow is one row of a bulk invite.
type BulkInviteRow struct {
	Row    int
	Invite InviteRequest
}

// BulkOptions follow a bulk operation.
type BulkOptions struct {
	// Job, when set, has its counts moved on in the transaction of each
	// batch, and is finished, with the result CSV, at the end.
	Job *BulkJob
	// Progress, when set, is told after each batch.
	Progress func(done, failed, total int)
	// Refused are rows the file's reader refused already: they count as
	// failed, and the results (and the job's result CSV) hold them in the
	// order of Row.
	Refused []BulkRowResult
}

// CreateUsers is CreateUser for many rows (Global and User
// Administrators), BulkBatch rows a transaction. Each row is done
// entirely (the user, its password, its "Add user" record) or not at all,
// with its reason in its result, and the other rows go on: a row's writes
// run in a savepoint. The error is for what stops the whole operation (the
// caller may not create users, the tenant is gone, the context ended);
// the rows not reached then carry it too.
func (s *Service) CreateUsers(ctx context.Context, tenantID string, rows []BulkUserRow, opts BulkOptions) ([]BulkRowResult, error) {
	results := make([]BulkRowResult, len(rows))
	for i, r := range rows {
		results[i] = BulkRowResult{Row: r.Row, Key: strings.TrimSpace(r.User.UserPrincipalName)}
	}
	return s.runBulk(ctx, tenantID, permManageUsers, results, opts, func(b, e int) (func(o *op, t *Tenant, i int) error, error) {
		prep := s.prepareUsers(rows[b:e], results[b:e])
		return func(o *op, t *Tenant, i int) error {
			u, err := o.createUser(t, prep[i-b])
			if err == nil {
				results[i].ID = u.ID
			}
			return err
		}, nil
	})
}

// InviteUsers is Invite for many rows (Global and User Administrators,
// Guest Inviters), as CreateUsers: each row's guest user, invitation,
// e-mail and audit records are written entirely or not at all.
func (s *Service) InviteUsers(ctx context.Context, tenantID string, rows []BulkInviteRow, opts BulkOptions) ([]BulkRowResult, error) {
	results := make([]BulkRowResult, len(rows))
	for i, r := range rows {
		results[i] = BulkRowResult{Row: r.Row, Key: strings.TrimSpace(r.Invite.InvitedUserEmailAddress)}
	}
	return s.runBulk(ctx, tenantID, permInvite, results, opts, func(b, e int) (func(o *op, t *Tenant, i int) error, error) {
		prep := make([]*preparedInvite, e-b)
		for i := b; i < e; i++ {
			prep[i-b], results[i].Err = s.prepareInvite(rows[i].Invite)
		}
		return func(o *op, t *Tenant, i int) error {
			res, err := o.invite(t, prep[i-b])
			if err == nil {
				results[i].ID = res.User.ID
			}
			return err
		}, nil
	})
}

// runBulk runs the rows of results in batches: prepare checks the rows
// [b, e) outside any transaction (setting the Err of bad ones) and returns
// what writes row i in the batch's transaction.
func (s *Service) runBulk(ctx context.Context, tenantID string, p perm, results []BulkRowResult, opts BulkOptions,
	prepare func(b, e int) (func(o *op, t *Tenant, i int) error, error)) ([]BulkRowResult, error) {
	if n := len(results) + len(opts.Refused); n > MaxBulkRows {
		return nil, Invalidf("file", "a bulk operation has at most %d rows, not %d", MaxBulkRows, n)
	}
	done, failed := 0, len(opts.Refused)
	total := len(results) + failed
	var stopped error
	reached := 0 // rows before it had their batch
	if opts.Job != nil {
		opts.Job.Done, opts.Job.Failed = 0, failed
	}
	for b := 0; b < len(results) && stopped == nil; b += BulkBatch {
		e := min(b+BulkBatch, len(results))
		if err := ctx.Err(); err != nil {
			stopped = Internal(err)
			break
		}
		write, err := prepare(b, e)
		if err != nil {
			stopped = err
			break
		}
		before := make([]error, e-b) // a Write run again starts from these
		for i := b; i < e; i++ {
			before[i-b] = results[i].Err
		}
		var batchDone int
		err = s.write(ctx, func(o *op) error {
			batchDone = 0
			if err := o.c.require(tenantID, p); err != nil {
				return err
			}
			t, err := o.tenant(tenantID)
			if err != nil {
				return err
			}
			var held []*AuditEvent
			o.held = &held
			for i := b; i < e; i++ {
				results[i].Err, results[i].ID = before[i-b], ""
				if results[i].Err != nil {
					continue
				}
				kept := len(held)
				if err := o.tx.Savepoint(o.ctx, func() error { return write(o, t, i) }); err != nil {
					if KindOf(err) == KindInternal && o.ctx.Err() != nil {
						return err
					}
					held = held[:kept] // the row's records go with its writes
					results[i].Err = err
					continue
				}
				batchDone++
			}
			o.held = nil
			// The batch's records in a few multi-row statements: should
			// they fail, the Write fails, and no row of the batch is done.
			if err := o.appendAudits(held); err != nil {
				return err
			}
			if opts.Job != nil {
				j := *opts.Job
				j.Done, j.Failed, j.UpdatedAt = done+batchDone, failed+(e-b-batchDone), o.now
				if err := o.tx.UpdateBulkJob(o.ctx, &j); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			switch KindOf(err) {
			case KindForbidden, KindUnauthenticated, KindNotFound:
				stopped = err
			}
			for i := b; i < e; i++ {
				results[i].Err, results[i].ID = err, ""
			}
			batchDone = 0
		}
		done += batchDone
		failed += e - b - batchDone
		reached = e
		if opts.Job != nil {
			opts.Job.Done, opts.Job.Failed = done, failed
		}
		if opts.Progress != nil {
			opts.Progress(done, failed, total)
		}
	}
	if stopped != nil {
		for i := reached; i < len(results); i++ {
			results[i].Err = stopped
		}
		failed += len(results) - reached
		if opts.Job != nil {
			opts.Job.Failed = failed
		}
	}
	if len(opts.Refused) > 0 {
		results = append(results, opts.Refused...)
		slices.SortStableFunc(results, func(a, b BulkRowResult) int { return a.Row - b.Row })
	}
	if opts.Job != nil {
		if err := s.finishBulkJob(context.WithoutCancel(ctx), opts.Job, results, stopped); err != nil && stopped == nil {
			stopped = err
		}
	}
	return results, stopped
}

// preparedUser is a NewUser checked, its password hashed.
type preparedUser struct {
	nu   NewUser
	name string
	mail string
	hash string
}

// prepareUsers checks rows outside any transaction and hashes their
// passwords on every CPU (each hash is made to be slow), setting the Err
// of each bad row.
func (s *Service) prepareUsers(rows []BulkUserRow, results []BulkRowResult) []*preparedUser {
	out := make([]*preparedUser, len(rows))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				out[i], results[i].Err = s.prepareUser(rows[i].User)
			}
		})
	}
	for i := range rows {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func (s *Service) prepareUser(nu NewUser) (*preparedUser, error) {
	p := &preparedUser{nu: nu}
	var err error
	if p.name, err = validDisplayName("displayName", nu.DisplayName); err != nil {
		return nil, err
	}
	if strings.TrimSpace(nu.Mail) != "" {
		if p.mail, err = ValidateEmail("mail", nu.Mail); err != nil {
			return nil, err
		}
	}
	if nu.Password != "" {
		if p.hash, err = s.hashPassword(nu.Password); err != nil {
			return nil, err
		}
	}
	return p, nil
}
