package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/orgdir/orgdir/internal/directory"
)

// Metrics holds every series of one process.
type Metrics struct {
	reg              *prometheus.Registry
	httpRequests     *prometheus.CounterVec
	httpDuration     *prometheus.HistogramVec
	purgeRuns        *prometheus.CounterVec
	usersPurged      prometheus.Counter
	purgeLastSuccess prometheus.Gauge
	mailDeliveries   *prometheus.CounterVec
	notifications    *prometheus.CounterVec
	lifecycle        *prometheus.CounterVec
	signIns          *prometheus.CounterVec
}

// New returns the registry with the process and Go runtime collectors and
// orgdir's own series.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "orgdir_http_requests_total", Help: "HTTP requests by route pattern, method and status code.",
	}, []string{"route", "method", "code"})
	m.httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "orgdir_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route pattern and method.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method"})
	m.purgeRuns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "orgdir_purge_runs_total", Help: "Passes of the retention purge, by result (success, failure).",
	}, []string{"result"})
	m.usersPurged = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "orgdir_purge_users_total", Help: "Deleted users purged when their retention ended.",
	})
	m.purgeLastSuccess = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "orgdir_purge_last_success_timestamp_seconds", Help: "When the retention purge last finished a pass without error (Unix time).",
	})
	m.mailDeliveries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "orgdir_mail_deliveries_total", Help: "E-mail delivery attempts, by result (sent, retry: failed and scheduled again, failed: given up).",
	}, []string{"result"})
	m.notifications = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "orgdir_notifications_total", Help: "Change notifications by the end of their delivery attempt: delivered, retried (failed, tried again after a backoff) or dropped (failed for 4 hours).",
	}, []string{"result"})
	m.lifecycle = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "orgdir_lifecycle_notifications_total", Help: "Lifecycle notifications (missed, subscriptionRemoved, reauthorizationRequired) by result (sent, failed).",
	}, []string{"event", "result"})
	m.signIns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "orgdir_sign_ins_total", Help: "Sign-ins and refused credential uses, by method (password, passcode, session, token) and result (success, failure, throttled).",
	}, []string{"method", "result"})
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.httpRequests, m.httpDuration, m.purgeRuns, m.usersPurged, m.purgeLastSuccess, m.mailDeliveries, m.notifications, m.lifecycle, m.signIns)
	return m
}

// Handler serves the registry in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ObserveHTTP records one answered request (internal/httpx's Observer).
func (m *Metrics) ObserveHTTP(route, method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	m.httpRequests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.httpDuration.WithLabelValues(route, method).Observe(d.Seconds())
}

// PurgeRan records one pass of the retention purge that purged n users.
func (m *Metrics) PurgeRan(n int, err error, at time.Time) {
	if m == nil {
		return
	}
	m.usersPurged.Add(float64(n))
	if err != nil {
		m.purgeRuns.WithLabelValues("failure").Inc()
		return
	}
	m.purgeRuns.WithLabelValues("success").Inc()
	m.purgeLastSuccess.Set(float64(at.UnixNano()) / 1e9)
}

// MailDelivery records one delivery attempt: "sent", "retry" or "failed".
func (m *Metrics) MailDelivery(result string) {
	if m == nil {
		return
	}
	m.mailDeliveries.WithLabelValues(result).Inc()
}

// Notifications records how n change notifications of one batch ended
// (webhook.Recorder): "delivered", "retried" or "dropped".
func (m *Metrics) Notifications(result string, n int) {
	if m == nil {
		return
	}
	m.notifications.WithLabelValues(result).Add(float64(n))
}

// Lifecycle records one lifecycle notification sent or failed
// (webhook.Recorder).
func (m *Metrics) Lifecycle(event string, sent bool) {
	if m == nil {
		return
	}
	result := "sent"
	if !sent {
		result = "failed"
	}
	m.lifecycle.WithLabelValues(event, result).Inc()
}

// SignIn records one sign-in record the directory wrote (its OnSignIn).
func (m *Metrics) SignIn(e *directory.SignInEvent) {
	if m == nil {
		return
	}
	result := "success"
	switch {
	case e.ErrorCode == directory.SignInLocked:
		result = "throttled"
	case e.ErrorCode != directory.SignInSucceeded:
		result = "failure"
	}
	m.signIns.WithLabelValues(e.Method, result).Inc()
}

// Pools is a store's connection pools by name and its count of retried
// transactions (sqlstore.Store).
type Pools interface {
	Pools() map[string]*sql.DB
	RetriedTransactions() uint64
	CommitStats() (commits, writes uint64)
	QueuedWrites() int
}

// WatchStore adds the store's pool statistics (go_sql_* series, labelled
// db_name = orgdir_<pool>: open, in use, idle, wait count and time) and
// orgdir_db_transactions_retried_total, the commit counters and the writes waiting.
func (m *Metrics) WatchStore(p Pools) {
	if m == nil || p == nil {
		return
	}
	for name, db := range p.Pools() {
		m.reg.MustRegister(collectors.NewDBStatsCollector(db, "orgdir_"+name))
	}
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "orgdir_db_transactions_retried_total", Help: "Write transactions run again after the database aborted them (deadlock, serialization failure).",
	}, func() float64 { return float64(p.RetriedTransactions()) }))
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "orgdir_db_commits_total", Help: "Write transactions committed.",
	}, func() float64 { c, _ := p.CommitStats(); return float64(c) }))
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "orgdir_db_committed_writes_total", Help: "Writes committed; above orgdir_db_commits_total when SQLite's group commit commits several in one transaction.",
	}, func() float64 { _, w := p.CommitStats(); return float64(w) }))
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "orgdir_db_writes_waiting", Help: "Writes waiting for SQLite's group committer (0 on PostgreSQL).",
	}, func() float64 { return float64(p.QueuedWrites()) }))
}

// WatchDirectory adds the directory's operational figures, read from the
// database at each scrape: the mail queue's depth and oldest message age,
// and the active sessions.
func (m *Metrics) WatchDirectory(svc *directory.Service) {
	if m == nil || svc == nil {
		return
	}
	m.reg.MustRegister(&directoryCollector{svc: svc})
}

type directoryCollector struct{ svc *directory.Service }

var (
	queueDepth = prometheus.NewDesc("orgdir_mail_queue_depth", "E-mail messages waiting to be sent (pending or being sent; not failed).", nil, nil)
	queueAge   = prometheus.NewDesc("orgdir_mail_queue_oldest_age_seconds", "Age of the oldest e-mail waiting to be sent (0 when none waits).", nil, nil)
	sessions   = prometheus.NewDesc("orgdir_active_sessions", "Browser sessions neither ended nor expired.", nil, nil)
	scrapeErr  = prometheus.NewDesc("orgdir_directory_scrape_error", "1 when the directory's figures could not be read at this scrape.", nil, nil)
)

func (c *directoryCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueDepth
	ch <- queueAge
	ch <- sessions
	ch <- scrapeErr
}

func (c *directoryCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := c.svc.OperationalStats(directory.WithActor(ctx, directory.SystemActor("orgdir metrics")))
	if err != nil {
		ch <- prometheus.MustNewConstMetric(scrapeErr, prometheus.GaugeValue, 1)
		return
	}
	ch <- prometheus.MustNewConstMetric(scrapeErr, prometheus.GaugeValue, 0)
	age := 0.0
	if st.OldestMail != nil {
		age = c.svc.Now().Sub(*st.OldestMail).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(queueDepth, prometheus.GaugeValue, float64(st.MailBacklog))
	ch <- prometheus.MustNewConstMetric(queueAge, prometheus.GaugeValue, age)
	ch <- prometheus.MustNewConstMetric(sessions, prometheus.GaugeValue, float64(st.ActiveSessions))
}
