package sqlstore

import (
	"context"
	"math"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

const changeCols = `seq, txid, tenant_id, kind, object_id, group_id, change_type, reason, changed_at`

// changeChunk bounds one INSERT (9 arguments a row, under SQLite's 32766).
const changeChunk = 500

// AppendChanges writes the changes with multi-row INSERTs; the database
// gives each its position (on PostgreSQL the writing transaction's id).
func (t *tx) AppendChanges(ctx context.Context, changes []*directory.Change) error {
	for b := 0; b < len(changes); b += changeChunk {
		chunk := changes[b:min(b+changeChunk, len(changes))]
		args := make([]any, 0, 7*len(chunk))
		for _, c := range chunk {
			args = append(args, c.TenantID, string(c.Kind), c.ObjectID, c.GroupID, string(c.Type), string(c.Reason), t.d.timeArg(c.At))
		}
		if _, err := t.exec(ctx, `INSERT INTO change_log (tenant_id, kind, object_id, group_id, change_type, reason, changed_at) VALUES `+
			valueRows(len(chunk), "(?, ?, ?, ?, ?, ?, ?)"), args...); err != nil {
			return t.fail(err, "change")
		}
	}
	return nil
}

// settled keeps, on PostgreSQL, the rows of transactions older than every
// running one: a later commit can then only add rows after them.
func (t *tx) settled() string {
	if t.d.Name == "postgres" {
		return ` AND txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint`
	}
	return ""
}

func (t *tx) ListChanges(ctx context.Context, tenantID string, after directory.ChangePos, limit int) ([]*directory.Change, error) {
	if limit < 1 {
		return nil, directory.Invalidf("limit", "limit must be positive, not %d", limit)
	}
	rows, err := t.query(ctx, `SELECT `+changeCols+` FROM change_log
		WHERE tenant_id = ? AND (txid, seq) > (?, ?)`+t.settled()+`
		ORDER BY txid, seq LIMIT ?`, tenantID, after.Tx, after.Seq, limit)
	if err != nil {
		return nil, t.fail(err, "change")
	}
	defer rows.Close()
	var out []*directory.Change
	for rows.Next() {
		var c directory.Change
		var kind, typ, reason string
		var at scanTime
		if err := rows.Scan(&c.Pos.Seq, &c.Pos.Tx, &c.TenantID, &kind, &c.ObjectID, &c.GroupID, &typ, &reason, &at); err != nil {
			return nil, t.fail(err, "change")
		}
		c.Kind, c.Type, c.Reason, c.At = directory.ChangeKind(kind), directory.ChangeType(typ), directory.RemovedReason(reason), at.Time
		out = append(out, &c)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err, "change")
	}
	return out, nil
}

// ChangeLogHead is, on PostgreSQL, just before the oldest running
// transaction (its rows and any later come after it); on SQLite, one
// writer at a time, the last row.
func (t *tx) ChangeLogHead(ctx context.Context) (directory.ChangePos, error) {
	var p directory.ChangePos
	if t.d.Name == "postgres" {
		var xmin int64
		if err := t.queryRow(ctx, `SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint`).Scan(&xmin); err != nil {
			return p, t.fail(err, "change")
		}
		return directory.ChangePos{Tx: xmin - 1, Seq: math.MaxInt64}, nil
	}
	if err := t.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM change_log`).Scan(&p.Seq); err != nil {
		return p, t.fail(err, "change")
	}
	return p, nil
}

func (t *tx) DeleteChangesBefore(ctx context.Context, before time.Time, limit int) (int, error) {
	if limit < 1 {
		return 0, directory.Invalidf("limit", "limit must be at least 1, not %d", limit)
	}
	res, err := t.exec(ctx, `DELETE FROM change_log WHERE seq IN
		(SELECT seq FROM change_log WHERE changed_at < ? ORDER BY changed_at LIMIT ?)`, t.d.timeArg(before), limit)
	if err != nil {
		return 0, t.fail(err, "change")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, t.fail(err, "change")
	}
	return int(n), nil
}
