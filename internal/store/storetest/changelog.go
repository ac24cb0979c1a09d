package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

func (f *fx) changes(tenantID string, after directory.ChangePos) []*directory.Change {
	f.t.Helper()
	var out []*directory.Change
	f.read(func(tx directory.Tx) error {
		var err error
		out, err = tx.ListChanges(f.ctx, tenantID, after, 1000)
		return err
	})
	return out
}

// changesN is changes, waiting (up to 15 s) for at least n: on
// PostgreSQL a change is read once every older transaction of the server
// has ended, and other tests' may be running.
func (f *fx) changesN(tenantID string, after directory.ChangePos, n int) []*directory.Change {
	f.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := f.changes(tenantID, after)
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func change(tenantID, obj string, typ directory.ChangeType) *directory.Change {
	return &directory.Change{TenantID: tenantID, Kind: directory.ChangeUser, ObjectID: obj, Type: typ, At: base}
}

func objectIDs(cs []*directory.Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ObjectID)
	}
	return out
}

var changeLogTests = map[string]func(*testing.T, *fx){
	"ChangesReadBackInOrderPerTenantFromAnyPosition": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		head := directory.ChangePos{}
		f.read(func(tx directory.Tx) error {
			var err error
			head, err = tx.ChangeLogHead(f.ctx)
			return err
		})
		f.write(func(tx directory.Tx) error {
			return tx.AppendChanges(f.ctx, []*directory.Change{change(a.ID, "1", directory.ChangeCreated), change(b.ID, "x", directory.ChangeCreated)})
		})
		del := change(a.ID, "2", directory.ChangeDeleted)
		del.Kind, del.GroupID, del.Reason = directory.ChangeMember, "g", directory.RemovedDeleted
		f.write(func(tx directory.Tx) error { return tx.AppendChanges(f.ctx, []*directory.Change{del}) })
		f.write(func(tx directory.Tx) error { return tx.AppendChanges(f.ctx, nil) })

		got := f.changesN(a.ID, head, 2)
		if ids := objectIDs(got); !slices.Equal(ids, []string{"1", "2"}) {
			t.Fatalf("tenant a's changes = %v, want [1 2]", ids)
		}
		if !got[0].Pos.Less(got[1].Pos) {
			t.Errorf("positions %v, %v not increasing", got[0].Pos, got[1].Pos)
		}
		g := got[1]
		if g.Kind != directory.ChangeMember || g.GroupID != "g" || g.Type != directory.ChangeDeleted ||
			g.Reason != directory.RemovedDeleted || !g.At.Equal(base) || g.TenantID != a.ID {
			t.Errorf("change read back as %+v", g)
		}
		if ids := objectIDs(f.changes(a.ID, got[0].Pos)); !slices.Equal(ids, []string{"2"}) {
			t.Errorf("after the first: %v, want [2]", ids)
		}
		if ids := objectIDs(f.changesN(b.ID, head, 1)); !slices.Equal(ids, []string{"x"}) {
			t.Errorf("tenant b's changes = %v, want [x]", ids)
		}
		err := f.s.Read(f.ctx, func(tx directory.Tx) error {
			_, err := tx.ListChanges(f.ctx, a.ID, head, 0)
			return err
		})
		wantKind(t, err, directory.KindInvalid)
	},

	"ARolledBackChangeIsNotLogged": func(t *testing.T, f *fx) {
		a := f.tenant()
		_ = f.tryWrite(func(tx directory.Tx) error {
			if err := tx.AppendChanges(f.ctx, []*directory.Change{change(a.ID, "1", directory.ChangeCreated)}); err != nil {
				return err
			}
			return directory.Errorf(directory.KindConflict, "no")
		})
		if got := f.changes(a.ID, directory.ChangePos{}); len(got) != 0 {
			t.Fatalf("a rolled back change is in the log: %v", objectIDs(got))
		}
	},

	// A reader that moved past what it saw never misses a change that
	// commits later: a transaction begun earlier that commits after a
	// later one (PostgreSQL) comes after the reader's position.
	"AReaderNeverPassesAChangeStillUncommitted": func(t *testing.T, f *fx) {
		a := f.tenant()
		hold, held, done := make(chan struct{}), make(chan struct{}), make(chan error, 2)
		go func() {
			done <- f.s.Write(f.ctx, func(tx directory.Tx) error {
				if err := tx.AppendChanges(f.ctx, []*directory.Change{change(a.ID, "early", directory.ChangeCreated)}); err != nil {
					return err
				}
				close(held)
				<-hold
				return nil
			})
		}()
		<-held
		later := make(chan error, 1)
		go func() {
			later <- f.s.Write(f.ctx, func(tx directory.Tx) error {
				return tx.AppendChanges(f.ctx, []*directory.Change{change(a.ID, "late", directory.ChangeCreated)})
			})
		}()
		select { // SQLite: the second writer waits for the first
		case err := <-later:
			wantNoErr(t, err)
			later <- nil
		case <-time.After(300 * time.Millisecond):
		}
		seen := f.changes(a.ID, directory.ChangePos{})
		pos := directory.ChangePos{}
		if len(seen) > 0 {
			pos = seen[len(seen)-1].Pos
		}
		close(hold)
		wantNoErr(t, <-done)
		wantNoErr(t, <-later)
		all := objectIDs(append(seen, f.changesN(a.ID, pos, 2-len(seen))...))
		slices.Sort(all)
		if !slices.Equal(all, []string{"early", "late"}) {
			t.Fatalf("a reader saw %v across two reads, want early and late once each", all)
		}
	},
}
