package sqlstore

import (
	"context"
	"errors"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

const bulkJobCols = `id, tenant_id, kind, state, total, done, failed, created_by, created_at, updated_at, finished_at, result`

func (t *tx) CreateBulkJob(ctx context.Context, j *directory.BulkJob) error {
	_, err := t.exec(ctx, `INSERT INTO bulk_jobs (`+bulkJobCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		j.ID, j.TenantID, j.Kind, j.State, j.Total, j.Done, j.Failed, j.CreatedBy,
		t.d.timeArg(j.CreatedAt), t.d.timeArg(j.UpdatedAt), t.d.nullTimeArg(j.FinishedAt), j.Result)
	if err != nil {
		return t.fail(err, "bulk operation")
	}
	return nil
}

func (t *tx) UpdateBulkJob(ctx context.Context, j *directory.BulkJob) error {
	return t.execOne(ctx, "bulk operation", `UPDATE bulk_jobs SET state = ?, done = ?, failed = ?, updated_at = ?, finished_at = ?, result = ?
		WHERE tenant_id = ? AND id = ?`,
		j.State, j.Done, j.Failed, t.d.timeArg(j.UpdatedAt), t.d.nullTimeArg(j.FinishedAt), j.Result, j.TenantID, j.ID)
}

func (t *tx) GetBulkJob(ctx context.Context, tenantID, id string) (*directory.BulkJob, error) {
	var j directory.BulkJob
	var created, updated, finished scanTime
	err := t.queryRow(ctx, `SELECT `+bulkJobCols+` FROM bulk_jobs WHERE tenant_id = ? AND id = ?`, tenantID, id).
		Scan(&j.ID, &j.TenantID, &j.Kind, &j.State, &j.Total, &j.Done, &j.Failed, &j.CreatedBy, &created, &updated, &finished, &j.Result)
	if err != nil {
		return nil, t.fail(err, "bulk operation")
	}
	j.CreatedAt, j.UpdatedAt, j.FinishedAt = created.Time, updated.Time, finished.Ptr()
	return &j, nil
}

func (t *tx) DeleteBulkJobsBefore(ctx context.Context, before time.Time) (int, error) {
	res, err := t.exec(ctx, `DELETE FROM bulk_jobs WHERE updated_at < ?`, t.d.timeArg(before))
	if err != nil {
		return 0, t.fail(err, "bulk operation")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, directory.Internal(err)
	}
	return int(n), nil
}

// Savepoint nests in the Write; on PostgreSQL each statement's own
// savepoint nests inside it, so a failed statement of fn is undone twice
// over, harmlessly.
func (t *tx) Savepoint(ctx context.Context, fn func() error) error {
	if !t.write {
		return directory.Internal(errors.New("sqlstore: a savepoint outside a Write"))
	}
	if _, err := t.q.ExecContext(ctx, "SAVEPOINT orgdir_row"); err != nil {
		return t.fail(err, "savepoint")
	}
	if err := fn(); err != nil {
		if _, rbErr := t.q.ExecContext(ctx, "ROLLBACK TO SAVEPOINT orgdir_row"); rbErr != nil {
			return directory.Internal(errors.Join(err, rbErr))
		}
		if _, relErr := t.q.ExecContext(ctx, "RELEASE SAVEPOINT orgdir_row"); relErr != nil {
			return directory.Internal(errors.Join(err, relErr))
		}
		return err
	}
	if _, err := t.q.ExecContext(ctx, "RELEASE SAVEPOINT orgdir_row"); err != nil {
		return t.fail(err, "savepoint")
	}
	return nil
}
