package sqlstore

import (
	"context"
	"time"
)

func (t *tx) TouchInstance(ctx context.Context, id string, now time.Time) error {
	if _, err := t.exec(ctx, `INSERT INTO instances (id, seen_at) VALUES (?, ?)
		ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at`, id, t.d.timeArg(now)); err != nil {
		return t.fail(err, "instance")
	}
	return nil
}

func (t *tx) CountInstances(ctx context.Context, since time.Time) (int, error) {
	var n int
	if err := t.queryRow(ctx, `SELECT count(*) FROM instances WHERE seen_at >= ?`, t.d.timeArg(since)).Scan(&n); err != nil {
		return 0, t.fail(err, "instance")
	}
	return n, nil
}

func (t *tx) DeleteInstancesBefore(ctx context.Context, before time.Time) error {
	if _, err := t.exec(ctx, `DELETE FROM instances WHERE seen_at < ?`, t.d.timeArg(before)); err != nil {
		return t.fail(err, "instance")
	}
	return nil
}

func (t *tx) DeleteInstance(ctx context.Context, id string) error {
	if _, err := t.exec(ctx, `DELETE FROM instances WHERE id = ?`, id); err != nil {
		return t.fail(err, "instance")
	}
	return nil
}
