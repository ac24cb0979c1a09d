package metrics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/auth"
	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/metrics"
	"github.com/orgdir/orgdir/internal/store/sqlite"
	"github.com/orgdir/orgdir/internal/webhook"
)

// series reads one series' value from the metrics page; -1 when absent.
func series(t *testing.T, m *metrics.Metrics, name string) float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	match := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`).FindStringSubmatch(rec.Body.String())
	if match == nil {
		return -1
	}
	v, err := strconv.ParseFloat(match[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestNotificationsAreCountedByResult delivers change notifications with
// the real dispatcher to a real receiver that accepts, then refuses, and
// finally is given up on: each end is counted per notification, and the
// missed lifecycle notification that follows the drop is counted too.
func TestNotificationsAreCountedByResult(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir()+"/orgdir.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := directory.NewFixedClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
	hasher := &auth.Argon2Hasher{Params: auth.Argon2Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 16, SaltLen: 8}}
	svc := directory.NewService(st, directory.Options{Clock: clock.Now, PasswordHasher: hasher, Webhooks: &webhook.Validator{AllowPrivate: true}})
	d, err := demo.Seed(ctx, svc, "http://orgdir.test")
	if err != nil {
		t.Fatal(err)
	}
	var refuse atomic.Bool
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := r.URL.Query().Get("validationToken"); tok != "" {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, tok)
			return
		}
		if refuse.Load() && r.URL.Path == "/notify" {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(rcv.Close)
	tid := d.Contoso.ID
	admin := directory.WithActor(ctx, directory.UserActor(tid, d.ContosoAdmin.ID))
	if _, err := svc.CreateSubscription(admin, tid, directory.NewSubscription{
		Resource: "users", ChangeType: "created", NotificationURL: rcv.URL + "/notify", LifecycleNotificationURL: rcv.URL + "/lifecycle",
		ExpirationDateTime: clock.Now().Add(48 * time.Hour),
	}); err != nil {
		t.Fatal(err)
	}
	m := metrics.New()
	disp := &webhook.Dispatcher{Queue: svc, AllowPrivate: true, Clock: clock.Now, Record: m, MaxRetry: time.Minute}
	sys := directory.WithActor(ctx, directory.SystemActor("metrics test"))
	created := 0
	change := func(n int) {
		t.Helper()
		for range n {
			created++
			if _, err := svc.CreateUser(sys, tid, directory.NewUser{UserPrincipalName: "u" + strconv.Itoa(created) + "@contoso.example", DisplayName: "U"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	deliver := func() {
		t.Helper()
		if _, err := disp.DeliverOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	const delivered, retried, dropped = `orgdir_notifications_total{result="delivered"}`, `orgdir_notifications_total{result="retried"}`, `orgdir_notifications_total{result="dropped"}`
	missed := `orgdir_lifecycle_notifications_total{event="missed",result="sent"}`

	change(2)
	deliver()
	if v := series(t, m, delivered); v != 2 {
		t.Fatalf("%s = %v after a batch of 2 was accepted", delivered, v)
	}
	refuse.Store(true)
	change(1)
	deliver()
	if v := series(t, m, retried); v != 1 || series(t, m, delivered) != 2 {
		t.Fatalf("%s = %v after a refused batch of 1", retried, v)
	}
	clock.Advance(2 * time.Minute) // past the backoff and MaxRetry
	deliver()
	if v := series(t, m, dropped); v != 1 {
		t.Fatalf("%s = %v after retrying for longer than MaxRetry", dropped, v)
	}
	if v := series(t, m, missed); v != 1 {
		t.Fatalf("%s = %v after the drop", missed, v)
	}
}
