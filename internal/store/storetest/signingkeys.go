package storetest

import (
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

func (f *fx) signingKey(created time.Time) *directory.SigningKey {
	f.t.Helper()
	k := &directory.SigningKey{ID: directory.NewID(), Algorithm: directory.AlgorithmRS256, PrivateKey: []byte{0x30, 0x01, byte(f.next())},
		CreatedAt: created, RotateAt: created.Add(30 * 24 * time.Hour), RetireAt: created.Add(31 * 24 * time.Hour)}
	f.write(func(tx directory.Tx) error {
		if err := tx.LockSigningKeys(f.ctx); err != nil {
			return err
		}
		return tx.CreateSigningKey(f.ctx, k)
	})
	return k
}

var signingKeyTests = map[string]func(*testing.T, *fx){
	"ListIsNewestFirstAndKeepsEveryField": func(t *testing.T, f *fx) {
		old := f.signingKey(base)
		cur := f.signingKey(base.Add(30 * 24 * time.Hour))
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListSigningKeys(f.ctx)
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.SigningKey{cur, old})
			return nil
		})
	},
	"DeleteRetiredRemovesOnlyKeysPastRetireAt": func(t *testing.T, f *fx) {
		old := f.signingKey(base)
		cur := f.signingKey(base.Add(30 * 24 * time.Hour))
		var n int
		f.write(func(tx directory.Tx) error {
			var err error
			n, err = tx.DeleteRetiredSigningKeys(f.ctx, old.RetireAt.Add(-time.Microsecond))
			return err
		})
		if n != 0 {
			t.Fatalf("deleted %d keys a microsecond before retirement", n)
		}
		f.write(func(tx directory.Tx) error {
			var err error
			n, err = tx.DeleteRetiredSigningKeys(f.ctx, old.RetireAt)
			return err
		})
		if n != 1 {
			t.Fatalf("deleted %d keys at retirement, want 1", n)
		}
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListSigningKeys(f.ctx)
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.SigningKey{cur})
			return nil
		})
	},
	"DuplicateIDIsAConflict": func(t *testing.T, f *fx) {
		k := f.signingKey(base)
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.CreateSigningKey(f.ctx, k) }), directory.KindConflict)
	},
}
