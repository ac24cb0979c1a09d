package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/sqlite"
	"github.com/orgdir/orgdir/internal/webhook"
)

// receiver is a real HTTP endpoint an app would run: it answers Graph's
// validation request and keeps every notification it accepts.
type receiver struct {
	t   *testing.T
	srv *httptest.Server

	mu     sync.Mutex
	status int           // answer to notifications; 0 is 202
	delay  time.Duration // before answering a notification
	answer func(token string) string
	// intercept, when set, answers a notification (not a validation)
	// instead, if it returns true.
	intercept func(w http.ResponseWriter, r *http.Request) bool
	got       []delivery // accepted
	attempts  int
}

type delivery struct {
	header http.Header
	body   []byte
	value  []map[string]any
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{t: t}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) url() string { return r.srv.URL + "/notify" }

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	if tok := req.URL.Query().Get("validationToken"); tok != "" {
		r.mu.Lock()
		answer := r.answer
		r.mu.Unlock()
		if answer != nil {
			tok = answer(tok)
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, tok)
		return
	}
	r.mu.Lock()
	intercept := r.intercept
	r.mu.Unlock()
	if intercept != nil && intercept(w, req) {
		return
	}
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.attempts++
	status, delay := r.status, r.delay
	r.mu.Unlock()
	time.Sleep(delay)
	if status != 0 {
		w.WriteHeader(status)
		return
	}
	var v struct{ Value []map[string]any }
	if err := json.Unmarshal(body, &v); err != nil {
		r.t.Errorf("a notification that is not JSON: %s", body)
	}
	r.mu.Lock()
	r.got = append(r.got, delivery{header: req.Header.Clone(), body: body, value: v.Value})
	r.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

func (r *receiver) set(status int, delay time.Duration) {
	r.mu.Lock()
	r.status, r.delay = status, delay
	r.mu.Unlock()
}

func (r *receiver) setIntercept(f func(w http.ResponseWriter, r *http.Request) bool) {
	r.mu.Lock()
	r.intercept = f
	r.mu.Unlock()
}

func (r *receiver) setAnswer(f func(token string) string) {
	r.mu.Lock()
	r.answer = f
	r.mu.Unlock()
}

func (r *receiver) attemptCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.attempts
}

func (r *receiver) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.got...)
}

// notifications are every notification accepted, in arrival order.
func (r *receiver) notifications() []map[string]any {
	var out []map[string]any
	for _, d := range r.deliveries() {
		out = append(out, d.value...)
	}
	return out
}

// verify checks a Standard Webhooks signature from the specification,
// not with the package's Sign: what a receiver's own code does.
func verify(secret string, h http.Header, body []byte) bool {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(h.Get("webhook-id") + "." + h.Get("webhook-timestamp") + "." + string(body)))
	want := mac.Sum(nil)
	for _, sig := range strings.Fields(h.Get("webhook-signature")) {
		if v, b64, ok := strings.Cut(sig, ","); ok && v == "v1" {
			if got, err := base64.StdEncoding.DecodeString(b64); err == nil && hmac.Equal(got, want) {
				return true
			}
		}
	}
	return false
}

// world is a tenant, Contoso, with its admin, a group, and Ada: a member
// of Fabrikam who is an accepted guest in Contoso.
type world struct {
	t        *testing.T
	store    directory.Store
	clock    *directory.FixedClock
	svc      *directory.Service
	sys      context.Context
	contoso  *directory.Tenant
	admin    *directory.User
	ada      *directory.User // at home
	guest    *directory.User // in Contoso
	team     *directory.Group
	validate *webhook.Validator
}

func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st := must(sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "orgdir.db")))(t)
	t.Cleanup(func() { _ = st.Close() })
	return newWorldOn(t, st)
}

func newWorldOn(t *testing.T, st directory.Store) *world {
	t.Helper()
	w := &world{t: t, store: st, clock: directory.NewFixedClock(time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)),
		sys: directory.WithActor(context.Background(), directory.SystemActor("webhook test")),
		// Tests receive on 127.0.0.1.
		validate: &webhook.Validator{AllowPrivate: true}}
	w.svc = directory.NewService(st, directory.Options{Clock: w.clock.Now, PublicBaseURL: "https://orgdir.test", Webhooks: w.validate})
	w.contoso = must(w.svc.CreateTenant(w.sys, "Contoso", "contoso.example"))(t)
	fabrikam := must(w.svc.CreateTenant(w.sys, "Fabrikam", "fabrikam.example"))(t)
	w.admin = must(w.svc.CreateUser(w.sys, w.contoso.ID, directory.NewUser{UserPrincipalName: "admin@contoso.example", DisplayName: "Admin", Mail: "admin@contoso.example"}))(t)
	if err := w.svc.AddRole(w.sys, w.contoso.ID, w.admin.ID, directory.RoleGlobalAdministrator); err != nil {
		t.Fatal(err)
	}
	w.ada = must(w.svc.CreateUser(w.sys, fabrikam.ID, directory.NewUser{UserPrincipalName: "ada@fabrikam.example", DisplayName: "Ada Lovelace", Mail: "ada@fabrikam.example"}))(t)
	inv := must(w.svc.Invite(w.as(w.admin), w.contoso.ID, directory.InviteRequest{InvitedUserEmailAddress: w.ada.Mail, InviteRedirectURL: "https://apps.example/"}))(t)
	w.guest = must(w.svc.Redeem(w.as(w.ada), inv.RedeemToken))(t)
	w.team = must(w.svc.CreateGroup(w.as(w.admin), w.contoso.ID, "Research", ""))(t)
	return w
}

func (w *world) as(u *directory.User) context.Context {
	return directory.WithActor(context.Background(), directory.UserActor(u.TenantID, u.ID))
}

// subscribe subscribes Contoso's admin to resource at r, for a day.
func (w *world) subscribe(r *receiver, resource, changeTypes string, lifecycle string) *directory.Subscription {
	w.t.Helper()
	return must(w.svc.CreateSubscription(w.as(w.admin), w.contoso.ID, directory.NewSubscription{
		Resource: resource, ChangeType: changeTypes, NotificationURL: r.url(), LifecycleNotificationURL: lifecycle,
		ClientState: "state-" + resource, ExpirationDateTime: w.clock.Now().Add(24 * time.Hour),
	}))(w.t)
}

func (w *world) dispatcher() *webhook.Dispatcher {
	return &webhook.Dispatcher{Queue: w.svc, AllowPrivate: true, Clock: w.clock.Now, Jitter: func() float64 { return 0 },
		Log: slog.New(slog.DiscardHandler)}
}

// deliver runs one round of d and fails on error.
func (w *world) deliver(d *webhook.Dispatcher) int {
	w.t.Helper()
	return must(d.DeliverOnce(context.Background()))(w.t)
}

func str(m map[string]any, path ...string) string {
	var v any = m
	for _, p := range path {
		mm, _ := v.(map[string]any)
		v = mm[p]
	}
	s, _ := v.(string)
	return s
}
