package httpapi

import (
	"math"
	"strconv"
	"sync"
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
// in its tenant, and one per tenant at TenantFactor times the token's.
// Several instances each apply it, so the limit across them is a multiple
// of it (docs/operations.md says so).
type throttle struct {
	rate  float64 // tokens per second
	burst float64
	clock directory.Clock

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
	return &throttle{rate: l.PerSecond, burst: float64(l.Burst), clock: clock, buckets: map[string]*bucket{}}
}

// take spends one request of the token's bucket and one of its tenant's,
// or neither: a refused request costs nothing. The token's bucket is keyed
// by its hash, so the secret is kept nowhere, not even in memory.
func (t *throttle) take(tenantID, secret string) *apiError {
	if t == nil {
		return nil
	}
	tokKey := "k\x00" + tenantID + "\x00" + string(directory.HashSecret(secret))
	now := t.clock()
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.buckets) >= maxBuckets-1 {
		t.forgetFull(now)
	}
	tok := t.bucketOf(tokKey, 1, now)
	ten := t.bucketOf("t\x00"+tenantID, TenantFactor, now)
	if wait := t.waitFor(tok, now); wait > 0 {
		return throttled(wait, "with this token")
	}
	if wait := t.waitFor(ten, now); wait > 0 {
		return throttled(wait, "in this tenant")
	}
	tok.tokens--
	ten.tokens--
	return nil
}

// bucketOf finds or makes the bucket of key, factor times the token's;
// t.mu is held.
func (t *throttle) bucketOf(key string, factor float64, now time.Time) *bucket {
	b := t.buckets[key]
	if b == nil {
		b = &bucket{tokens: t.burst * factor, at: now, factor: factor}
		t.buckets[key] = b
	}
	return b
}

// waitFor refills b and says how long until it holds one request (0: now).
func (t *throttle) waitFor(b *bucket, now time.Time) time.Duration {
	t.refill(b, now)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) / (t.rate * b.factor) * float64(time.Second))
}

func (t *throttle) refill(b *bucket, now time.Time) {
	if elapsed := now.Sub(b.at).Seconds(); elapsed > 0 {
		b.tokens = math.Min(t.burst*b.factor, b.tokens+elapsed*t.rate*b.factor)
		b.at = now
	}
}

func (t *throttle) forgetFull(now time.Time) {
	for k, b := range t.buckets {
		t.refill(b, now)
		if b.tokens >= t.burst*b.factor {
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
