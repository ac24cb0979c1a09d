package multiinstance

import (
	"bytes"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// TestTwoPurgeProcessesPurgeEachUserOnce builds the real binary and starts
// two `orgdir purge` processes at once on one database, as two servers'
// cron jobs would, and lets them scan at the same moment: between them
// they purge every due user exactly once, both take part (neither waits for
// the other's batch), and the users not yet due are left.
//
// The processes run on the real clock, so the users are due relative to
// time.Now.
func TestTwoPurgeProcessesPurgeEachUserOnce(t *testing.T) {
	db := freshDatabase(t)
	bin := buildOrgdir(t)
	setup := startInstance(t, db, "setup", time.Now)
	now := time.Now()
	tn := mustTenant(t, setup, "Contoso")
	const due, notDue = 600, 20
	dueIDs := deletedUsers(t, setup, tn.ID, due, func(i int) time.Time { return now.Add(-time.Duration(i+1) * time.Second) })
	laterIDs := deletedUsers(t, setup, tn.ID, notDue, func(i int) time.Time { return now.Add(time.Duration(i+1) * time.Hour) })

	// Processes start at their own pace (a busy machine may take a second
	// or two). So that neither finishes before the other begins, the test
	// holds the users table locked until both wait at their first purge
	// scan, then lets them go together.
	gate, err := db.check.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer gate.Rollback() //nolint:errcheck // released below; this is for a failing test
	if _, err := gate.Exec(`LOCK TABLE users IN EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	app := "orgdir-purge-" + directory.NewID()[:8]
	u, err := url.Parse(db.dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", app) // to find the processes' sessions
	u.RawQuery = q.Encode()

	outs := make([]bytes.Buffer, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		cmd := exec.Command(bin, "purge", "--database", u.String(), "--batch", "10")
		// Only what the process needs: no ORGDIR_* of the test's environment.
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
		cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// A test that fails early leaves no process behind it.
		t.Cleanup(func() { _ = cmd.Process.Kill() })
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = cmd.Wait()
		}()
	}
	exited := make(chan struct{})
	go func() { wg.Wait(); close(exited) }()
	deadline := time.Now().Add(60 * time.Second)
	for waiting := 0; waiting < 2; {
		select {
		case <-exited:
			t.Fatalf("a purge process ended before it reached the scan:\n%s\n%s", &outs[0], &outs[1])
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60s, %d of 2 purge processes wait at the scan", waiting)
		}
		waiting = db.count(t, `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, app)
	}
	if err := gate.Rollback(); err != nil {
		t.Fatal(err)
	}
	<-exited

	purged := regexp.MustCompile(`purged (\d+) deleted users? whose retention had ended`)
	counts := make([]int, 2)
	for i := range 2 {
		if errs[i] != nil {
			t.Fatalf("process %d: %v\n%s", i+1, errs[i], &outs[i])
		}
		m := purged.FindSubmatch(outs[i].Bytes())
		if m == nil {
			t.Fatalf("process %d printed no count:\n%s", i+1, &outs[i])
		}
		counts[i], _ = strconv.Atoi(string(m[1]))
	}
	t.Logf("process one purged %d, process two %d", counts[0], counts[1])
	if counts[0]+counts[1] != due {
		t.Fatalf("the processes purged %d + %d users, want %d in all", counts[0], counts[1], due)
	}
	if counts[0] == 0 || counts[1] == 0 {
		t.Errorf("one process purged all %d users: the two did not work side by side", due)
	}
	hard := db.successes(t, tn.ID, directory.ActivityHardDeleteUser)
	for _, id := range dueIDs {
		if hard[id] != 1 {
			t.Errorf("due user %s has %d \"Hard delete user\" records, want exactly 1", id, hard[id])
		}
	}
	for _, id := range laterIDs {
		if hard[id] != 0 {
			t.Errorf("user %s, not yet due, was purged early", id)
		}
	}
	if n := db.count(t, `SELECT count(*) FROM users WHERE tenant_id = $1`, tn.ID); n != notDue {
		t.Errorf("%d users remain, want the %d not yet due", n, notDue)
	}
}

// buildOrgdir builds cmd/orgdir into the test's temporary directory.
func buildOrgdir(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build orgdir: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "orgdir")
	cmd := exec.Command(goTool, "build", "-o", bin, "github.com/orgdir/orgdir/cmd/orgdir")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/orgdir: %v\n%s", err, out)
	}
	return bin
}
