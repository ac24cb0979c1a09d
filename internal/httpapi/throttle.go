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

// RateLimit configures the per-token throttling of the API.
type RateLimit struct {
	PerSecond float64 // refill rate; 0 means DefaultRatePerSecond
	Burst     int     // bucket size; 0 means DefaultRateBurst
	Off       bool    // no throttling at all
}

// throttle is a token bucket per API token, in this process's memory: it
// keeps one token from taking the server for itself. Several instances each
// apply it, so the limit across them is a multiple of it.
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

// take spends one request of key's bucket. When the bucket is empty it
// returns how long until one request is available again.
func (t *throttle) take(key string) (ok bool, wait time.Duration) {
	if t == nil {
		return true, 0
	}
	now := t.clock()
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buckets[key]
	if b == nil {
		if len(t.buckets) >= maxBuckets {
			t.forgetFull(now)
		}
		b = &bucket{tokens: t.burst, at: now}
		t.buckets[key] = b
	}
	t.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / t.rate * float64(time.Second))
}

func (t *throttle) refill(b *bucket, now time.Time) {
	if elapsed := now.Sub(b.at).Seconds(); elapsed > 0 {
		b.tokens = math.Min(t.burst, b.tokens+elapsed*t.rate)
		b.at = now
	}
}

func (t *throttle) forgetFull(now time.Time) {
	for k, b := range t.buckets {
		t.refill(b, now)
		if b.tokens >= t.burst {
			delete(t.buckets, k)
		}
	}
}

// throttled is the 429 of a token over its limit.
func throttled(wait time.Duration) *apiError {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	unit := " seconds"
	if secs == 1 {
		unit = " second"
	}
	return &apiError{status: 429, code: "TooManyRequests", retryAfter: strconv.Itoa(secs),
		message: "Too many requests with this token; retry after " + strconv.Itoa(secs) + unit + ", as the Retry-After header says."}
}
