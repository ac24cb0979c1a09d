package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/sqlite"
)

// TestWritesThatWaitAreCommittedTogether holds the writer with one Write
// while others queue, then checks that those were committed in fewer
// transactions than Writes, each with its own outcome.
func TestWritesThatWaitAreCommittedTogether(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	tn := &directory.Tenant{ID: directory.NewID(), DisplayName: "T", InitialDomain: "t.example",
		CreatedAt: time.Now().UTC(), Settings: directory.DefaultTenantSettings()}
	if err := s.Write(ctx, func(tx directory.Tx) error { return tx.CreateTenant(ctx, tn) }); err != nil {
		t.Fatal(err)
	}
	commits0, writes0 := s.CommitStats()

	release := make(chan struct{})
	holding := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = s.Write(ctx, func(directory.Tx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	const waiting = 30
	errs := make([]error, waiting)
	ids := make([]string, waiting)
	for i := range waiting {
		ids[i] = directory.NewID()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Write(ctx, func(tx directory.Tx) error {
				g := &directory.Group{ID: ids[i], TenantID: tn.ID, DisplayName: fmt.Sprint("g", i), CreatedAt: time.Now().UTC()}
				if err := tx.CreateGroup(ctx, g); err != nil {
					return err
				}
				if i%4 == 0 {
					return fmt.Errorf("refused %d", i)
				}
				return nil
			})
		}()
	}
	for deadline := time.Now().Add(10 * time.Second); s.QueuedWrites() < waiting; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d Writes queued behind the held one", s.QueuedWrites())
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()

	commits, writes := s.CommitStats()
	kept := 0
	for i, err := range errs {
		want := ""
		if i%4 == 0 {
			want = fmt.Sprintf("refused %d", i)
		} else {
			kept++
		}
		if got := fmt.Sprint(err); (err == nil) != (want == "") || (want != "" && got != want) {
			t.Errorf("Write %d returned %v, want %q", i, err, want)
		}
	}
	if got := writes - writes0; got != uint64(kept+1) {
		t.Errorf("%d Writes committed, want %d", got, kept+1)
	}
	if got := commits - commits0; got > 3 {
		t.Errorf("%d commits for %d waiting Writes: they were not grouped", got, waiting)
	}
	err := s.Read(ctx, func(tx directory.Tx) error {
		for i, id := range ids {
			_, err := tx.GetGroup(ctx, tn.ID, id)
			if i%4 == 0 && directory.KindOf(err) != directory.KindNotFound {
				t.Errorf("group %d of a refused Write: %v, want not found", i, err)
			}
			if i%4 != 0 && err != nil {
				t.Errorf("group %d: %v", i, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSynchronousIsFullByDefault: a commit is durable on power loss unless
// the operator chose otherwise.
func TestSynchronousIsFullByDefault(t *testing.T) {
	for _, c := range []struct {
		opt  string
		want int // PRAGMA synchronous: 1 NORMAL, 2 FULL
	}{{"", 2}, {sqlite.SyncFull, 2}, {sqlite.SyncNormal, 1}} {
		path := filepath.Join(t.TempDir(), "orgdir.db")
		s, err := sqlite.OpenWith(context.Background(), path, sqlite.Options{Synchronous: c.opt})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Synchronous(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("synchronous %q: PRAGMA synchronous = %d, want %d", c.opt, got, c.want)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	_, err := sqlite.OpenWith(context.Background(), filepath.Join(t.TempDir(), "x.db"), sqlite.Options{Synchronous: "off"})
	if err == nil || !strings.Contains(err.Error(), `"off"`) {
		t.Errorf("synchronous off: %v, want a refusal naming it", err)
	}
}
