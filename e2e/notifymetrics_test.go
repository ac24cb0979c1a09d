package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestDeliveredNotificationsAreCountedInServesMetrics subscribes the demo
// admin to users through the API, creates a user, and waits for serve's
// dispatcher to deliver it to a receiver on loopback (allowed by
// --webhooks-allow-private): the metrics listener counts it delivered.
func TestDeliveredNotificationsAreCountedInServesMetrics(t *testing.T) {
	t.Parallel()
	var got atomic.Int32
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := r.URL.Query().Get("validationToken"); tok != "" {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, tok)
			return
		}
		got.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer rcv.Close()
	in := newInstance(t)
	srv := in.serve("--demo", "--metrics-addr", "127.0.0.1:0", "--webhooks-allow-private")
	metricsURL := lineAfter(t, srv.Stdout.String(), "metrics on ")
	admin := lineAfter(t, srv.Stdout.String(), "  Contoso administrator:  export ADMIN_TOKEN=")
	post := func(path, body string) {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+admin)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST %s: %d\n%s", path, resp.StatusCode, b)
		}
	}
	exp := in.clock.Now().Add(48 * time.Hour).Format(time.RFC3339)
	post("/v1.0/subscriptions", `{"resource":"users","changeType":"created","notificationUrl":"`+rcv.URL+`/notify","expirationDateTime":"`+exp+`"}`)
	post("/v1.0/users", `{"accountEnabled":true,"displayName":"Notified","userPrincipalName":"notified@contoso.example","mailNickname":"notified","passwordProfile":{"password":"Notified-2026-pass"}}`)
	series := `orgdir_notifications_total{result="delivered"}`
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(metricsURL)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if v := scrape(t, string(page), series); v >= 1 {
			if v != float64(got.Load()) {
				t.Fatalf("%s = %v, but the receiver accepted %d", series, v, got.Load())
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no delivered notification counted (the receiver accepted %d):\n%s", got.Load(), grep(string(page), "orgdir_notifications"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
