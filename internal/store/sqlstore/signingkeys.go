package sqlstore

import (
	"context"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

const signingKeyCols = `id, algorithm, private_key, created_at, rotate_at, retire_at`

// LockSigningKeys takes a table lock on PostgreSQL (writers of the set
// wait; readers do not); SQLite has one writer at a time already.
func (t *tx) LockSigningKeys(ctx context.Context) error {
	if !t.d.RowLocks || !t.write {
		return nil
	}
	if _, err := t.exec(ctx, `LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return t.fail(err, "signing key")
	}
	return nil
}

func (t *tx) CreateSigningKey(ctx context.Context, k *directory.SigningKey) error {
	_, err := t.exec(ctx, `INSERT INTO signing_keys (`+signingKeyCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		k.ID, k.Algorithm, k.PrivateKey, t.d.timeArg(k.CreatedAt), t.d.timeArg(k.RotateAt), t.d.timeArg(k.RetireAt))
	if err != nil {
		return t.fail(err, "signing key")
	}
	return nil
}

func (t *tx) ListSigningKeys(ctx context.Context) ([]*directory.SigningKey, error) {
	rows, err := t.query(ctx, `SELECT `+signingKeyCols+` FROM signing_keys ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, t.fail(err, "signing key")
	}
	defer rows.Close()
	var out []*directory.SigningKey
	for rows.Next() {
		var k directory.SigningKey
		var created, rotate, retire scanTime
		if err := rows.Scan(&k.ID, &k.Algorithm, &k.PrivateKey, &created, &rotate, &retire); err != nil {
			return nil, t.fail(err, "signing key")
		}
		k.CreatedAt, k.RotateAt, k.RetireAt = created.Time, rotate.Time, retire.Time
		out = append(out, &k)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err, "signing key")
	}
	return out, nil
}

func (t *tx) DeleteRetiredSigningKeys(ctx context.Context, now time.Time) (int, error) {
	res, err := t.exec(ctx, `DELETE FROM signing_keys WHERE retire_at <= ?`, t.d.timeArg(now))
	if err != nil {
		return 0, t.fail(err, "signing key")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, t.fail(err, "signing key")
	}
	return int(n), nil
}
