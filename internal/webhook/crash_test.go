package webhook_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/sqlite"
	"github.com/orgdir/orgdir/internal/webhook"
)

const childDB = "ORGDIR_WEBHOOK_CHILD_DB" // set only in the child

// TestDispatcherChild is no test of its own: it is the dispatcher process
// that TestKilledMidDeliveryIsDeliveredAfterRestart starts and kills.
func TestDispatcherChild(t *testing.T) {
	path := os.Getenv(childDB)
	if path == "" {
		t.Skip("the dispatcher process of TestKilledMidDeliveryIsDeliveredAfterRestart")
	}
	st := must(sqlite.Open(context.Background(), path))(t)
	svc := directory.NewService(st, directory.Options{})
	(&webhook.Dispatcher{Queue: svc, AllowPrivate: true, Interval: 20 * time.Millisecond}).Run(context.Background())
}

// kill -9 of the instance that has claimed a batch and is sending it: the
// batch goes out from the next instance once the lease ends.
func TestKilledMidDeliveryIsDeliveredAfterRestart(t *testing.T) {
	if os.Getenv(childDB) != "" {
		t.Skip("in the child")
	}
	path := filepath.Join(t.TempDir(), "orgdir.db")
	st := must(sqlite.Open(context.Background(), path))(t)
	t.Cleanup(func() { _ = st.Close() })
	w := newWorldOn(t, st)
	w.clock.Set(time.Now().UTC()) // the child runs on the real clock
	r := newReceiver(t)
	w.subscribe(r, "users", "deleted", "")

	first := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	var calls atomic.Int32
	r.setIntercept(func(http.ResponseWriter, *http.Request) bool {
		if calls.Add(1) == 1 {
			close(first)
			<-release // the child hangs here until it dies
			return true
		}
		return false
	})

	child := exec.Command(os.Args[0], "-test.run=^TestDispatcherChild$")
	child.Env = append(os.Environ(), childDB+"="+path)
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Leave(w.as(w.ada), w.contoso.ID); err != nil {
		t.Fatal(err)
	}
	select {
	case <-first:
	case <-time.After(10 * time.Second):
		_ = child.Process.Kill()
		t.Fatal("the child never sent")
	}
	if err := child.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = child.Wait()

	d := w.dispatcher()
	w.clock.Set(time.Now().UTC())
	if w.deliver(d); len(r.notifications()) != 0 {
		t.Fatal("delivered while the dead instance's lease held")
	}
	w.clock.Advance(2 * time.Minute) // past the one-minute lease
	w.deliver(d)
	if n := r.notifications(); len(n) != 1 || str(n[0], "resourceData", "id") != w.guest.ID {
		t.Fatalf("after the restart: %v", n)
	}
}
