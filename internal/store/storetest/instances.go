package storetest

import (
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

var instanceTests = map[string]func(*testing.T, *fx){
	"CountedWhileTheyBeat": func(t *testing.T, f *fx) {
		count := func(since time.Time) (n int) {
			f.read(func(tx directory.Tx) error {
				var err error
				n, err = tx.CountInstances(f.ctx, since)
				return err
			})
			return n
		}
		f.write(func(tx directory.Tx) error { return tx.TouchInstance(f.ctx, "a", base) })
		f.write(func(tx directory.Tx) error { return tx.TouchInstance(f.ctx, "b", base.Add(10*time.Second)) })
		if n := count(base); n != 2 {
			t.Fatalf("%d instances seen since the first beat, want 2", n)
		}
		if n := count(base.Add(time.Second)); n != 1 {
			t.Fatalf("%d instances seen after a's beat, want 1 (b)", n)
		}
		// A beat again moves the instance's time; it stays one row.
		f.write(func(tx directory.Tx) error { return tx.TouchInstance(f.ctx, "a", base.Add(20*time.Second)) })
		if n := count(base.Add(time.Second)); n != 2 {
			t.Fatalf("%d instances after a beat again, want 2", n)
		}
		f.write(func(tx directory.Tx) error { return tx.DeleteInstance(f.ctx, "a") })
		f.write(func(tx directory.Tx) error { return tx.DeleteInstancesBefore(f.ctx, base.Add(11*time.Second)) })
		if n := count(base.Add(-time.Hour)); n != 0 {
			t.Fatalf("%d instances after both were forgotten, want 0", n)
		}
	},
}
