package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/orgdir/orgdir/internal/clientaddr"
	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/httpapi"
	"github.com/orgdir/orgdir/internal/jobs"
	"github.com/orgdir/orgdir/internal/mail"
	"github.com/orgdir/orgdir/internal/metrics"
	"github.com/orgdir/orgdir/internal/server"
	"github.com/orgdir/orgdir/internal/webhook"
)

func runServe(ctx context.Context, e *env, args []string) error {
	f := newFlags("serve", `Runs the HTTP server (health at /healthz and /readyz) and, in the background,
the retention purge of deleted users and the delivery of change notifications. Stops gracefully on SIGINT or SIGTERM.`)
	addr := f.String("addr", ":8080", "`host:port` to listen on")
	db := addDBFlags(f)
	baseURL := f.String("base-url", "", "public `URL` of this server, used in redeem links; empty means http://localhost:PORT")
	withDemo := f.Bool("demo", false, "seed the demo tenants Contoso and Fabrikam (with fixed, printed passwords) and print how to sign in")
	interval := f.Duration("purge-interval", time.Hour, "how often the retention purge runs (0 turns it off)")
	batch := f.Int("purge-batch", 500, "at most this many deleted users purged per batch")
	logLevel := f.String("log-level", "info", "least severe log `level`: debug, info, warn or error")
	metricsAddr := f.String("metrics-addr", "", "`host:port` of a separate listener serving Prometheus metrics at /metrics; empty serves none")
	pprofOn := f.Bool("pprof", false, "also serve Go's profiles (net/http/pprof) at /debug/pprof/ on the --metrics-addr listener, which should then be reachable by operators only")
	apiRate := f.Float64("api-rate", httpapi.DefaultRatePerSecond, "API requests per second each token may make in its tenant (all its tenant's tokens together: twice that); 0 turns API throttling off")
	apiBurst := f.Int("api-burst", httpapi.DefaultRateBurst, "API requests a token may make at once before --api-rate applies (its tenant: twice that); 0 turns API throttling off")
	trusted := f.String("trusted-proxies", "", "comma-separated `networks` (CIDR, or single addresses) of the reverse proxies whose X-Forwarded-For names the client; empty trusts none")
	allowPrivate := f.Bool("webhooks-allow-private", false, "let change notifications go to loopback, private and link-local addresses and over plain http (an SSRF guard refuses them by default; for tests and local receivers only)")
	smtpCfg := mail.Config{}
	f.StringVar(&smtpCfg.Host, "smtp-host", "", "SMTP `host` that sends e-mail with STARTTLS; empty keeps e-mail in the outbox the admin portal shows")
	f.IntVar(&smtpCfg.Port, "smtp-port", 587, "SMTP `port`")
	f.StringVar(&smtpCfg.User, "smtp-user", "", "SMTP user `name` (PLAIN auth over TLS)")
	f.StringVar(&smtpCfg.Password, "smtp-password", "", "SMTP `password`")
	f.StringVar(&smtpCfg.From, "smtp-from", "", "sender `address` of orgdir's e-mail")
	if err := f.parse(e, args); err != nil {
		return err
	}
	if *interval < 0 {
		return usageErrorf("serve: --purge-interval must not be negative, got %v", *interval)
	}
	if *batch < 1 {
		return usageErrorf("serve: --purge-batch must be at least 1, got %d", *batch)
	}
	if *apiRate < 0 || *apiBurst < 0 {
		return usageErrorf("serve: --api-rate and --api-burst must not be negative (0 turns throttling off), got %v and %d", *apiRate, *apiBurst)
	}
	if err := smtpCfg.Validate(); err != nil {
		return usageErrorf("serve: %v", err)
	}
	if *baseURL != "" {
		if err := checkBaseURL("base-url", *baseURL); err != nil {
			return err
		}
	}
	proxies, err := clientaddr.Parse(*trusted)
	if err != nil {
		return usageErrorf("serve: --trusted-proxies: %v", err)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return usageErrorf("serve: --log-level %q: want debug, info, warn or error", *logLevel)
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))

	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	logger.Info("database open", "database", db.describe())

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	defer ln.Close()
	public := *baseURL
	if public == "" {
		public = localURL(ln.Addr())
	}
	// The metrics exist only once the service does (they read it); the
	// service's sign-ins reach them through m, set before any request.
	var m *metrics.Metrics
	notifications := &webhook.Dispatcher{AllowPrivate: *allowPrivate, Clock: e.prog.Clock, Log: logger}
	svc := e.newService(st, public, func(o *directory.Options) {
		o.OnSignIn = func(ev *directory.SignInEvent) { m.SignIn(ev) }
		o.Webhooks = &webhook.Validator{AllowPrivate: *allowPrivate}
		o.OnChange = notifications.Wake
		o.OnSubscriptionRemoved = notifications.Removed
	})
	if *pprofOn && *metricsAddr == "" {
		return usageErrorf("serve: --pprof needs --metrics-addr: profiles are served on that listener only")
	}
	notifications.Queue = svc
	m, err = e.serveMetrics(ctx, *metricsAddr, *pprofOn, st, svc, logger)
	if err != nil {
		return err
	}
	notifications.Record = m

	if *withDemo {
		d, err := demo.Seed(ctx, svc, public)
		if err != nil {
			return fmt.Errorf("seed the demo: %w", err)
		}
		d.Print(e.stdout, public)
		if err := e.printDemoTokens(ctx, svc, d, public); err != nil { // API tokens: token.go
			return err
		}
	}

	srv, err := server.New(server.Deps{
		Service: svc,
		Store:   st,
		Logger:  logger,
		Clock:   e.prog.Clock,
		BaseURL: public,

		Metrics:       m,
		MailDelivered: smtpCfg.Enabled(),
		EchoPasscodes: demoPasscodes(*withDemo && !smtpCfg.Enabled(), e.stdout),

		TrustedProxies: proxies,
		APIRateLimit:   httpapi.RateLimit{PerSecond: *apiRate, Burst: *apiBurst, Off: *apiRate == 0 || *apiBurst == 0},
	})
	if err != nil {
		return err
	}

	ctx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		jobs.RunPurge(ctx, svc, e.prog.Clock, *interval, *batch, logger, m)
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		notifications.Run(ctx)
	}()
	if smtpCfg.Enabled() {
		d := &mail.Deliverer{Queue: svc, Transport: &mail.Sender{Config: smtpCfg}, Clock: e.prog.Clock, Log: logger, Record: m.MailDelivery}
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.Run(ctx)
		}()
	}

	fmt.Fprintf(e.stdout, "orgdir listening on %s (public URL %s)\n", "http://"+ln.Addr().String(), public)
	logger.Info("listening", "addr", ln.Addr().String(), "public_url", public, "trusted_proxies", proxies.String())
	if e.prog.OnListen != nil {
		e.prog.OnListen(ln.Addr())
	}
	err = srv.Serve(ctx, ln)
	stop()
	wg.Wait() // the purge pass in flight ends before the store closes
	logger.Info("stopped")
	return err
}

// localURL is the URL a browser on this machine reaches addr by.
func localURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return "http://" + host + ":" + port
}

// demoPasscodes is where the demo without SMTP prints passcode e-mails
// (nil otherwise: a real deployment never prints a code).
func demoPasscodes(on bool, w io.Writer) io.Writer {
	if !on {
		return nil
	}
	return w
}
