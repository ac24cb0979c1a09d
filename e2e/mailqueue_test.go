package e2e

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// TestMailQueueMetricsMoveWhenTheSMTPServerIsDown serves the demo with an
// SMTP server that is not there: the demo's invitation e-mail is tried,
// counted as a retry, and still waits in the queue.
func TestMailQueueMetricsMoveWhenTheSMTPServerIsDown(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens there now: connection refused
	in := newInstance(t)
	srv := in.serve("--demo", "--metrics-addr", "127.0.0.1:0",
		"--smtp-host", "127.0.0.1", "--smtp-port", strconv.Itoa(closed), "--smtp-from", "orgdir@contoso.example")
	metricsURL := lineAfter(t, srv.Stdout.String(), "metrics on ")
	const retry = `orgdir_mail_deliveries_total{result="retry"}`
	var page string
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(metricsURL)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page = string(b)
		if scrape(t, page, retry) >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 20s no delivery attempt is counted:\n%s", grep(page, "orgdir_mail"))
		}
	}
	if scrape(t, page, `orgdir_mail_deliveries_total{result="sent"}`) > 0 {
		t.Error("a message counts as sent with no SMTP server")
	}
	if scrape(t, page, `orgdir_mail_queue_depth`) < 1 {
		t.Error("the retried message no longer counts in the queue depth")
	}
}
