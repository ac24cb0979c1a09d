package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
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
		if err := th.take(directory.Actor{TenantID: "tenant"}, "k"); err != nil {
			t.Fatalf("refused request %d of a burst of %d: %v", i+1, DefaultRateBurst, err)
		}
	}
	err := th.take(directory.Actor{TenantID: "tenant"}, "k")
	if err == nil || err.retryAfter != strconv.Itoa(1) {
		t.Fatalf("past the burst: %v; want a 429 with Retry-After 1 (at least a second)", err)
	}
}

func TestATenantsTokensShareTwiceOneTokensLimit(t *testing.T) {
	now := time.Unix(0, 0)
	th := newThrottle(RateLimit{PerSecond: 1, Burst: 2}, func() time.Time { return now })
	// Three tokens of one tenant: the tenant's bucket (2 × 2) runs out
	// before the third token's own does.
	for _, tok := range []string{"a", "a", "b", "b"} {
		if err := th.take(directory.Actor{TenantID: "contoso"}, tok); err != nil {
			t.Fatalf("token %s refused within the tenant's limit: %v", tok, err)
		}
	}
	err := th.take(directory.Actor{TenantID: "contoso"}, "c")
	if err == nil || !strings.Contains(err.message, "in this tenant") || err.retryAfter != "1" {
		t.Fatalf("a third token past the tenant's limit: %v; want a 429 naming the tenant, Retry-After 1", err)
	}
	// Another tenant, even with the same token value, has its own buckets.
	if err := th.take(directory.Actor{TenantID: "fabrikam"}, "a"); err != nil {
		t.Fatalf("another tenant throttled by Contoso's load: %v", err)
	}
	// The refused request cost the token nothing: its bucket is still full.
	now = now.Add(500 * time.Millisecond) // the tenant refills 2/s: one request
	if err := th.take(directory.Actor{TenantID: "contoso"}, "c"); err != nil {
		t.Fatalf("after the tenant refilled: %v", err)
	}
	if b := th.buckets["k\x00contoso\x00"+string(directory.HashSecret("c"))]; b == nil || b.tokens != 1 {
		t.Fatalf("token c's bucket %+v; want 1 left of 2 (one request spent, none for the refusal)", b)
	}
}

func TestIdleBucketsAreForgotten(t *testing.T) {
	now := time.Unix(0, 0)
	th := newThrottle(RateLimit{PerSecond: 1, Burst: 2}, func() time.Time { return now })
	for i := 0; i < maxBuckets/2; i++ { // a token and its tenant each
		if err := th.take(directory.Actor{TenantID: strconv.Itoa(i)}, "tok"); err != nil {
			t.Fatal(err)
		}
	}
	if len(th.buckets) != maxBuckets {
		t.Fatalf("%d buckets; want %d", len(th.buckets), maxBuckets)
	}
	now = now.Add(time.Minute)
	_ = th.take(directory.Actor{TenantID: "t"}, "new")
	if len(th.buckets) != 2 {
		t.Fatalf("%d buckets kept; want only the new token's and its tenant's", len(th.buckets))
	}
}

func TestEachInstanceAppliesItsShareOfTheLimit(t *testing.T) {
	now := time.Unix(0, 0)
	th := newThrottle(RateLimit{PerSecond: 10, Burst: 8}, func() time.Time { return now })
	th.setInstances(4) // a quarter each: a bucket of 2, refilling at 2.5/s
	tok := directory.Actor{TenantID: "contoso"}
	for i := range 2 {
		if err := th.take(tok, "k"); err != nil {
			t.Fatalf("request %d of an instance's share of 2: %v", i+1, err)
		}
	}
	if err := th.take(tok, "k"); err == nil {
		t.Fatal("a third request went through on an instance whose share is 2")
	}
	now = now.Add(400 * time.Millisecond) // 2.5/s: one more
	if err := th.take(tok, "k"); err != nil {
		t.Fatalf("after 0.4 s at 2.5/s: %v", err)
	}
	// The other instances stop: this one takes the whole limit.
	th.setInstances(1)
	now = now.Add(10 * time.Second)
	for i := range 8 {
		if err := th.take(tok, "k"); err != nil {
			t.Fatalf("request %d of the whole burst of 8: %v", i+1, err)
		}
	}
	// A share never falls below one request per bucket.
	th.setInstances(1000)
	now = now.Add(time.Hour)
	if err := th.take(tok, "k"); err != nil {
		t.Fatalf("a 1/1000 share of a burst of 8 refused the first request: %v", err)
	}
}

func TestAnApplicationHasOneBucketWhateverItsTokens(t *testing.T) {
	now := time.Unix(0, 0)
	th := newThrottle(RateLimit{PerSecond: 1, Burst: 2}, func() time.Time { return now })
	app := directory.AppActor("contoso", "app-1", nil)
	for i, tok := range []string{"jwt-1", "jwt-2"} {
		if err := th.take(app, tok); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	err := th.take(app, "jwt-3")
	if err == nil || !strings.Contains(err.message, "by this application") {
		t.Fatalf("a third token of the app: %v; want its 429 naming the application", err)
	}
	if err := th.take(directory.AppActor("contoso", "app-2", nil), "jwt-4"); err != nil {
		t.Fatalf("another app of the tenant: %v", err)
	}
}
