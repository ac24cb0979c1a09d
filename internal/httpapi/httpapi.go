package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
	"github.com/orgdir/orgdir/internal/httpx"
)

// DefaultMaxBodyBytes caps a request body: every orgdir resource fits in
// far less, and a cap keeps one client from holding memory.
const DefaultMaxBodyBytes = 1 << 20

// Options configure the API. Zero values get defaults.
type Options struct {
	Logger *slog.Logger    // where 5xx causes go; default discards
	Clock  directory.Clock // default time.Now
	// BaseURL is the public scheme and host, e.g. https://orgdir.example;
	// @odata.context, @odata.nextLink and Location use it. Empty: taken from
	// each request.
	BaseURL      string
	MaxBodyBytes int64 // default DefaultMaxBodyBytes
	// RateLimit throttles each token (429 TooManyRequests with
	// Retry-After); zero values get DefaultRatePerSecond and
	// DefaultRateBurst.
	RateLimit RateLimit
	// Tokens verifies orgdir's own JWT access tokens (the OpenID
	// provider's); nil: only opaque tokens are accepted.
	Tokens TokenVerifier
}

// TokenVerifier returns the actor of a JWT access token of orgdir's API.
type TokenVerifier interface {
	AuthenticateAPIToken(ctx context.Context, raw string) (directory.Actor, error)
}

// API serves the /v1.0/ routes.
type API struct {
	svc      *directory.Service
	opts     Options
	mux      *http.ServeMux
	throttle *throttle // nil when off
}

// New returns the API as an http.Handler to mount at /v1.0/ (its routes
// carry the /v1.0 prefix themselves).
func New(svc *directory.Service, opts Options) *API {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	opts.BaseURL = strings.TrimSuffix(opts.BaseURL, "/")
	a := &API{svc: svc, opts: opts, mux: http.NewServeMux(), throttle: newThrottle(opts.RateLimit, opts.Clock)}
	a.routes()
	return a
}

// handlerFunc is a handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

type requestIDKey struct{}

// SetInstances tells the throttle how many instances share the limits
// (from their heartbeats, directory.Service.Heartbeat).
func (a *API) SetInstances(n int) { a.throttle.setInstances(n) }

// ServeHTTP gives the request its request-id, authenticates the bearer
// token, throttles it and routes; every error on the way is written by
// writeError.

func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The pipeline (internal/httpx) gave the request its id and header;
	// the API is also mounted bare in tests.
	id := httpx.RequestID(r.Context())
	if id == "" {
		id = directory.NewID()
		w.Header().Set(httpx.RequestIDHeader, id)
	}
	_, pattern := a.mux.Handler(r)
	if pattern != "" {
		httpx.SetRoute(r.Context(), pattern) // before authentication: a 401 counts for its route
	}
	if cid := clientRequestID(r); cid != "" {
		w.Header().Set("client-request-id", cid)
	}
	// Every answer is JSON about a tenant's people: never sniffed as
	// something else, never kept by a shared cache.
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	ctx := context.WithValue(r.Context(), requestIDKey{}, id)
	ctx = directory.WithCorrelationID(ctx, id)
	r = r.WithContext(ctx)
	defer a.recoverPanic(w, r)

	actor, secret, err := a.authenticate(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	// A batch's requests are throttled one by one, as Graph does, not
	// its envelope.
	if pattern != batchPattern {
		if err := a.throttle.take(actor, secret); err != nil {
			a.writeError(w, r, err)
			return
		}
	}
	if actor.AppID != "" && (r.URL.Path == "/v1.0/me" || strings.HasPrefix(r.URL.Path, "/v1.0/me/")) {
		a.writeError(w, r, &apiError{status: http.StatusBadRequest, code: "BadRequest",
			message: "/me request is only valid with delegated authentication flow."})
		return
	}
	r = r.WithContext(directory.WithActor(ctx, actor))

	if pattern == "" {
		a.writeError(w, r, a.noRoute(w, r))
		return
	}
	a.mux.ServeHTTP(w, r)
}

// authenticate returns the actor of the request's bearer token, and the
// token. The token is never logged nor put in an error: messages say what
// is wrong with it, not what it is.
func (a *API) authenticate(r *http.Request) (directory.Actor, string, error) {
	h := r.Header.Get("Authorization")
	scheme, secret, _ := strings.Cut(h, " ")
	secret = strings.TrimSpace(secret)
	if h == "" || !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return directory.Actor{}, "", directory.Errorf(directory.KindUnauthenticated,
			"Access token is empty: send the header Authorization: Bearer <token> (orgdir token create)")
	}
	if a.opts.Tokens != nil && !strings.HasPrefix(secret, directory.TokenPrefix) && strings.Count(secret, ".") == 2 && len(secret) <= 16<<10 {
		actor, err := a.opts.Tokens.AuthenticateAPIToken(r.Context(), secret)
		return actor, secret, err
	}
	actor, err := a.svc.AuthenticateAccessToken(r.Context(), secret)
	return actor, secret, err
}

// recoverPanic turns a panicking handler into Graph's generic 500, logged
// with its cause and stack; http.ErrAbortHandler keeps its meaning.
func (a *API) recoverPanic(w http.ResponseWriter, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	a.writeError(w, r, fmt.Errorf("handler panicked: %v\n%s", v, debug.Stack()))
}

// clientRequestID is the client-request-id header, echoed back as Graph
// does when it is a plausible id (a GUID or similar): a long or odd value
// is dropped rather than reflected.
func clientRequestID(r *http.Request) string {
	cid := r.Header.Get("client-request-id")
	if len(cid) > 128 {
		return ""
	}
	for _, c := range cid {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.:{}", c)) {
			return ""
		}
	}
	return cid
}

// noRoute tells an unknown path (400, as Graph names the segment) from a
// known path with another method (405).
func (a *API) noRoute(w http.ResponseWriter, r *http.Request) error {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := a.mux.Handler(probe); p != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return &apiError{status: http.StatusMethodNotAllowed, code: "Request_BadRequest",
			message: "The method " + r.Method + " is not allowed on " + r.URL.Path + "; allowed: " + strings.Join(allow, ", ")}
	}
	return &apiError{status: http.StatusBadRequest, code: "Request_BadRequest",
		message: "Resource not found for the segment '" + lastSegment(r.URL.Path) + "'."}
}

func lastSegment(p string) string {
	p = strings.TrimSuffix(p, "/")
	return p[strings.LastIndex(p, "/")+1:]
}

// wrap adapts a handlerFunc to the mux.
func (a *API) wrap(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			a.writeError(w, r, err)
		}
	})
}

// actor returns the authenticated actor of the request; every route has one.
func actor(r *http.Request) directory.Actor {
	a, _ := directory.ActorFrom(r.Context())
	return a
}

// tenant is the tenant the token acts in: the API never takes it from the
// path or the body.
func tenant(r *http.Request) string { return actor(r).TenantID }

// baseURL is the scheme and host the client reached us by.
func (a *API) baseURL(r *http.Request) string {
	if a.opts.BaseURL != "" {
		return a.opts.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// metadata is the @odata.context of a response, e.g. "users/$entity".
func (a *API) metadata(r *http.Request, fragment string) string {
	return graphjson.Context(a.baseURL(r), fragment)
}

// entity is the @odata.context of one object of set, as Graph writes it
// with $select: users(displayName,mail)/$entity.
func (a *API) entity(r *http.Request, set string, sel []string) string {
	if sel != nil {
		set += "(" + strings.Join(sel, ",") + ")"
	}
	return a.metadata(r, set+"/$entity")
}

// eventual reports whether the request opted in to Graph's advanced
// queries ($count, $search).
func eventual(r *http.Request) bool {
	return strings.EqualFold(strings.TrimSpace(r.Header.Get("ConsistencyLevel")), "eventual")
}
