package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// The child process's settings, from its parent's environment.
const (
	childDB     = "ORGDIR_MAIL_CHILD_DB" // a database spec; set only in the child
	childPort   = "ORGDIR_MAIL_CHILD_SMTP_PORT"
	childCA     = "ORGDIR_MAIL_CHILD_CA"     // PEM file of the SMTP server's certificate
	childOffset = "ORGDIR_MAIL_CHILD_OFFSET" // how far ahead the child's clock runs
)

// TestDeliveryChild is no test of its own: it is the deliverer process that
// TestKilledMidDeliveryIsSentAfterRestart starts (and kills). It delivers
// until it has sent a message.
func TestDeliveryChild(t *testing.T) {
	spec := os.Getenv(childDB)
	if spec == "" {
		t.Skip("the deliverer process of TestKilledMidDeliveryIsSentAfterRestart")
	}
	offset, err := time.ParseDuration(os.Getenv(childOffset))
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(os.Getenv(childPort))
	if err != nil {
		t.Fatal(err)
	}
	pemBytes, err := os.ReadFile(os.Getenv(childCA))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pemBytes)
	st, err := openSpec(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return time.Now().Add(offset) }
	d := &Deliverer{
		Queue: directory.NewService(st, directory.Options{Clock: clock}),
		Transport: &Sender{Config: Config{Host: "127.0.0.1", Port: port, User: "orgdir", Password: "s3cret", From: "orgdir@contoso.example",
			TLS: &tls.Config{ServerName: "127.0.0.1", RootCAs: roots, MinVersion: tls.VersionTLS12}}},
		Clock: clock,
	}
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		n, err := d.DeliverOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			t.Logf("sent %d", n)
			return
		}
	}
	t.Fatal("sent nothing in 60s")
}

// startChild starts TestDeliveryChild in a new process of this test binary,
// on db and srv, its clock offset ahead.
func startChild(t *testing.T, db database, srv *smtpServer, offset time.Duration) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.der}), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDeliveryChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), childDB+"="+db.spec, childPort+"="+strconv.Itoa(srv.port), childCA+"="+ca,
		childOffset+"="+offset.String())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, &out
}

// TestKilledMidDeliveryIsSentAfterRestart kills a deliverer process with
// SIGKILL while the SMTP server holds its message in DATA (not accepted):
// the message stays claimed while the lease holds, and a deliverer started
// after the lease ends sends it, once.
func TestKilledMidDeliveryIsSentAfterRestart(t *testing.T) {
	if os.Getenv(childDB) != "" {
		t.Skip("in the child process")
	}
	onEachDatabase(t, func(t *testing.T, db database) {
		srv := startSMTP(t)
		const to = "held@example.org"
		srv.mu.Lock()
		srv.holdTo = to
		srv.mu.Unlock()
		in := db.open(t, time.Now)
		m := in.enqueue(t, time.Now(), to)[0]

		child, out := startChild(t, db, srv, 0)
		select {
		case <-srv.held:
		case <-time.After(60 * time.Second):
			t.Fatalf("the deliverer process did not reach DATA in 60s:\n%s", out)
		}
		if err := child.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		if err := child.Wait(); err == nil {
			t.Fatal("the killed process exited cleanly")
		}
		if got := in.message(t, m); got.State != directory.MailSending || got.Attempts != 1 {
			t.Fatalf("after the kill the message is %s after %d attempts, want sending after 1", got.State, got.Attempts)
		}
		// Restarted at once, a deliverer leaves the message to its lease.
		if n, err := quietDeliverer(in, srv, time.Now, results{}).DeliverOnce(context.Background()); n != 0 || err != nil {
			t.Fatalf("DeliverOnce while the lease holds = %d, %v; want nothing sent", n, err)
		}
		// Restarted after the lease (5 minutes by default): sent.
		child, out = startChild(t, db, srv, 6*time.Minute)
		if err := child.Wait(); err != nil {
			t.Fatalf("the restarted deliverer: %v\n%s", err, out)
		}
		if got := receivedBy(srv); got[to] != 1 || len(got) != 1 {
			t.Fatalf("server received %v, want the held message once", got)
		}
		if got := in.message(t, m); got.State != directory.MailSent || got.Attempts != 2 {
			t.Fatalf("after the restart the message is %s after %d attempts, want sent after 2", got.State, got.Attempts)
		}
	})
}
