package e2e

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/demo"
)

// scrape reads one series' value from a Prometheus text page; -1 when
// absent. series is the name with its labels as Prometheus prints them.
func scrape(t *testing.T, page, series string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(page)
	if m == nil {
		return -1
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatalf("%s: %v", series, err)
	}
	return v
}

// TestMetricsAreServedApartAndMoveWithRequests scrapes serve's
// --metrics-addr before and after a few requests: the request counters move
// by route pattern and status, and the database, purge, mail queue and
// session series are there.
func TestMetricsAreServedApartAndMoveWithRequests(t *testing.T) {
	t.Parallel()
	in := newInstance(t)
	srv := in.serve("--demo", "--metrics-addr", "127.0.0.1:0")
	metricsURL := lineAfter(t, srv.Stdout.String(), "metrics on ")
	admin := lineAfter(t, srv.Stdout.String(), "  Contoso administrator:  export ADMIN_TOKEN=")
	if code, _ := srv.get(t, "/metrics"); code == http.StatusOK {
		t.Fatal("the directory's own listener serves /metrics; it belongs on --metrics-addr only")
	}
	get := func(url, token string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	page := func() string {
		t.Helper()
		resp, err := http.Get(metricsURL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return b.String()
	}
	healthz := `orgdir_http_requests_total{code="200",method="GET",route="GET /healthz"}`
	users := `orgdir_http_requests_total{code="200",method="GET",route="GET /v1.0/users"}`
	refused := `orgdir_http_requests_total{code="401",method="GET",route="GET /v1.0/users"}`
	before := page()
	for range 3 {
		get(srv.URL+"/healthz", "")
	}
	if c := get(srv.URL+"/v1.0/users", admin); c != http.StatusOK {
		t.Fatalf("GET /v1.0/users with the demo token = %d", c)
	}
	get(srv.URL+"/v1.0/users", "odt_not-a-real-token")
	get(srv.URL+"/v1.0/users/ada@fabrikam.example", "odt_not-a-real-token")
	signIn(t, srv, demo.ContosoAdminUPN, demo.ContosoAdminPass)
	after := page()
	if s := `orgdir_sign_ins_total{method="password",result="success"}`; scrape(t, after, s)-max(scrape(t, before, s), 0) != 1 {
		t.Errorf("a password sign-in is not counted:\n%s", grep(after, "orgdir_sign_ins_total"))
	}

	if d := scrape(t, after, healthz) - max(scrape(t, before, healthz), 0); d != 3 {
		t.Errorf("%s moved by %v, want 3", healthz, d)
	}
	if scrape(t, after, users) != 1 || scrape(t, after, refused) != 1 {
		t.Errorf("the API's requests are not counted by route and status:\n%s", grep(after, "orgdir_http_requests_total"))
	}
	if strings.Contains(after, "ada@fabrikam.example") {
		t.Error("a metric label holds a path with a user name")
	}
	for _, series := range []string{
		`orgdir_http_request_duration_seconds_count{method="GET",route="GET /healthz"}`,
		`orgdir_purge_runs_total{result="success"}`,
		`orgdir_purge_last_success_timestamp_seconds`,
		`orgdir_mail_queue_depth`,
		`orgdir_mail_queue_oldest_age_seconds`,
		`orgdir_active_sessions`,
		`orgdir_db_transactions_retried_total`,
		`go_sql_in_use_connections{db_name="orgdir_write"}`,
		`go_sql_idle_connections{db_name="orgdir_read"}`,
		`go_sql_wait_count_total{db_name="orgdir_write"}`,
	} {
		if scrape(t, after, series) < 0 {
			t.Errorf("no series %s", series)
		}
	}
	if scrape(t, after, `orgdir_mail_queue_depth`) < 1 {
		t.Error("the demo's invitation e-mail waits in the outbox, but the queue depth is 0")
	}
}

func grep(page, prefix string) string {
	var out []string
	for _, l := range strings.Split(page, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
