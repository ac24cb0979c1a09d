package httpapi

import (
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// Default throttling of one token: a bucket of DefaultRateBurst requests
// that refills at DefaultRatePerSecond. Graph allows an app a few thousand
// resource units per 10 seconds per tenant; orgdir's numbers are of the
// same order and well above what a script or an SDK needs.
const (
	DefaultRatePerSecond = 100
	DefaultRateBurst     = 500
)

// TenantFactor is how many tokens' worth of requests all the tokens of one
// tenant may send together: Graph limits each app in a tenant and, at
// twice that, all the apps of the tenant (its assignment service's
// "per app per tenant" and "per tenant for all apps"), so that several
// scripts of one tenant cannot take a shared server for themselves.
const TenantFactor = 2

// RateLimit configures the throttling of the API (orgdir serve --api-rate,
// --api-burst).
type RateLimit struct {
	PerSecond float64 // refill rate of one token; 0 means DefaultRatePerSecond
	Burst     int     // bucket size of one token; 0 means DefaultRateBurst
	Off       bool    // no throttling at all
}

// throttle keeps token buckets in this process's memory: one per API token
// (or, for an application's own tokens, per application) in its tenant,
// and one per tenant at TenantFactor times that. The limits hold across
// instances: each instance applies its share, the limit divided by the
// instances alive (SetInstances, from their heartbeats), so that n
// instances behind a balancer that spreads requests give a token its rate,
// not n times it, without a database round trip per request.
type throttle struct {
	rate  float64 // tokens per second, of all instances together
	burst float64
	clock directory.Clock
	// instances shares the limits; 1 until the first heartbeat.
	instances atomic.Int64

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was computed
	factor float64   // 1 for a token, TenantFactor for a tenant
}

// maxBuckets bounds the map: past it, buckets that have refilled to full
// (idle tokens) are forgotten, which changes nothing for their owners.
const maxBuckets = 10000

func newThrottle(l RateLimit, clock directory.Clock) *throttle {
	if l.Off {
		return nil
	}
	if l.PerSecond <= 0 {
		l.PerSecond = DefaultRatePerSecond
	}
	if l.Burst <= 0 {
		l.Burst = DefaultRateBurst
	}
	t := &throttle{rate: l.PerSecond, burst: float64(l.Burst), clock: clock, buckets: map[string]*bucket{}}
	t.instances.Store(1)
	return t
}

// setInstances makes this instance's share 1/n of the limits.
func (t *throttle) setInstances(n int) {
	if t == nil {
		return
	}
	t.instances.Store(int64(max(n, 1)))
}

// share is this instance's rate and bucket size of one token; a bucket
// holds at least one request, so that a small limit over many instances
// still lets requests through.
func (t *throttle) share() (rate, burst float64) {
	n := float64(t.instances.Load())
	return t.rate / n, math.Max(1, t.burst/n)
}

// take spends one request of the caller's bucket and one of its tenant's,
// or neither: a refused request costs nothing. An application acting as
// itself has one bucket however many tokens it gets (as Graph limits "per
// app per tenant"); any other token's bucket is keyed by its hash, so the
// secret is kept nowhere, not even in memory.
func (t *throttle) take(actor directory.Actor, secret string) *apiError {
	if t == nil {
		return nil
	}
	key, scope := "k\x00"+actor.TenantID+"\x00"+string(directory.HashSecret(secret)), "with this token"
	if actor.AppID != "" {
		key, scope = "a\x00"+actor.TenantID+"\x00"+actor.AppID, "by this application"
	}
	rate, burst := t.share()
	now := t.clock()
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.buckets) >= maxBuckets-1 {
		t.forgetFull(now, rate, burst)
	}
	tok := t.bucketOf(key, 1, burst, now)
	ten := t.bucketOf("t\x00"+actor.TenantID, TenantFactor, burst, now)
	if wait := t.waitFor(tok, now, rate, burst); wait > 0 {
		return throttled(wait, scope)
	}
	if wait := t.waitFor(ten, now, rate, burst); wait > 0 {
		return throttled(wait, "in this tenant")
	}
	tok.tokens--
	ten.tokens--
	return nil
}

// bucketOf finds or makes the bucket of key, factor times the token's;
// t.mu is held.
func (t *throttle) bucketOf(key string, factor, burst float64, now time.Time) *bucket {
	b := t.buckets[key]
	if b == nil {
		b = &bucket{tokens: burst * factor, at: now, factor: factor}
		t.buckets[key] = b
	}
	return b
}

// waitFor refills b and says how long until it holds one request (0: now).
func (t *throttle) waitFor(b *bucket, now time.Time, rate, burst float64) time.Duration {
	refill(b, now, rate, burst)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) / (rate * b.factor) * float64(time.Second))
}

// refill adds what the time since b's last request earned, up to its size
// (which shrinks at once when another instance starts).
func refill(b *bucket, now time.Time, rate, burst float64) {
	if elapsed := now.Sub(b.at).Seconds(); elapsed > 0 {
		b.tokens = b.tokens + elapsed*rate*b.factor
		b.at = now
	}
	b.tokens = math.Min(burst*b.factor, b.tokens)
}

func (t *throttle) forgetFull(now time.Time, rate, burst float64) {
	for k, b := range t.buckets {
		refill(b, now, rate, burst)
		if b.tokens >= burst*b.factor {
			delete(t.buckets, k)
		}
	}
}

// throttled is the 429 of a request over its limit, as Graph answers it:
// TooManyRequests with Retry-After in whole seconds.
func throttled(wait time.Duration, scope string) *apiError {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	unit := " seconds"
	if secs == 1 {
		unit = " second"
	}
	return &apiError{status: 429, code: "TooManyRequests", retryAfter: strconv.Itoa(secs),
		message: "Too many requests " + scope + "; retry after " + strconv.Itoa(secs) + unit + ", as the Retry-After header says."}
}
