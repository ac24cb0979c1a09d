package httpapi

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestATokenOverItsRateIsThrottled(t *testing.T) {
	e := newEnv(t)
	srv := e.serve(Options{RateLimit: RateLimit{PerSecond: 0.5, Burst: 3}})
	other := e.token(e.contoso.ID, e.admin.ID)
	for i := 0; i < 3; i++ {
		e.get(srv.URL+"/v1.0/me", e.adminToken).want(t, http.StatusOK)
	}
	r := e.get(srv.URL+"/v1.0/me", e.adminToken).want(t, http.StatusTooManyRequests, "TooManyRequests")
	if got := r.header.Get("Retry-After"); got != "2" {
		t.Fatalf("Retry-After %q, want 2 (one request refills in 2 s)", got)
	}
	// Another token has its own bucket.
	e.get(srv.URL+"/v1.0/me", other).want(t, http.StatusOK)
	// A refused request costs nothing: after Retry-After one goes through.
	e.clock.Advance(2 * time.Second)
	e.get(srv.URL+"/v1.0/me", e.adminToken).want(t, http.StatusOK)
	e.get(srv.URL+"/v1.0/me", e.adminToken).want(t, http.StatusTooManyRequests)
	// Idle, the bucket fills up to its burst, not beyond.
	e.clock.Advance(10 * time.Minute)
	for i := 0; i < 3; i++ {
		e.get(srv.URL+"/v1.0/me", e.adminToken).want(t, http.StatusOK)
	}
	e.get(srv.URL+"/v1.0/me", e.adminToken).want(t, http.StatusTooManyRequests)
}

func TestAnUnknownTokenIsNotThrottledButRefused(t *testing.T) {
	e := newEnv(t)
	srv := e.serve(Options{RateLimit: RateLimit{PerSecond: 1, Burst: 1}})
	for i := 0; i < 3; i++ {
		e.get(srv.URL+"/v1.0/me", "odt_nope").want(t, http.StatusUnauthorized, "InvalidAuthenticationToken")
	}
}

func TestThrottlingCanBeTurnedOff(t *testing.T) {
	e := newEnv(t)
	srv := e.serve(Options{RateLimit: RateLimit{Off: true, Burst: 1}})
	for i := 0; i < 5; i++ {
		e.get(srv.URL+"/v1.0/me", e.adminToken).want(t, http.StatusOK)
	}
}

func TestTheDefaultLimitLetsABurstThrough(t *testing.T) {
	th := newThrottle(RateLimit{}, func() time.Time { return time.Unix(0, 0) })
	for i := 0; i < DefaultRateBurst; i++ {
		if ok, _ := th.take("k"); !ok {
			t.Fatalf("refused request %d of a burst of %d", i+1, DefaultRateBurst)
		}
	}
	ok, wait := th.take("k")
	if ok || wait <= 0 || wait > time.Second {
		t.Fatalf("past the burst: ok %v, wait %s", ok, wait)
	}
	if s := throttled(wait).retryAfter; s != strconv.Itoa(1) {
		t.Fatalf("Retry-After %s, want 1 (at least a second)", s)
	}
}

func TestIdleBucketsAreForgotten(t *testing.T) {
	now := time.Unix(0, 0)
	th := newThrottle(RateLimit{PerSecond: 1, Burst: 2}, func() time.Time { return now })
	for i := 0; i < maxBuckets; i++ {
		th.take(strconv.Itoa(i))
	}
	now = now.Add(time.Minute)
	th.take("new")
	if len(th.buckets) != 1 {
		t.Fatalf("%d buckets kept; want only the new one", len(th.buckets))
	}
}
