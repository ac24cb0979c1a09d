package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/httpapi"
	"github.com/orgdir/orgdir/internal/store/sqlite"
)

// TestInstancesShareTheAPILimit: two servers on one database each let a
// token through half its burst; once one signs off, the other takes all.
func TestInstancesShareTheAPILimit(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "orgdir.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := directory.NewService(st, directory.Options{PublicBaseURL: "http://orgdir.test"})
	sys := directory.WithActor(ctx, directory.SystemActor("test"))
	ten, err := svc.CreateTenant(sys, "Contoso", "contoso.example")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := svc.CreateUser(sys, ten.ID, directory.NewUser{UserPrincipalName: "admin@contoso.example", DisplayName: "Admin"})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.AddRole(sys, ten.ID, admin.ID, directory.RoleGlobalAdministrator); err != nil {
		t.Fatal(err)
	}
	token, _, err := svc.CreateAccessToken(sys, ten.ID, admin.ID, "test", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	clock := func() time.Time { return now } // no refill during the test
	limit := httpapi.RateLimit{PerSecond: 0.001, Burst: 4}
	one, err := New(Deps{Service: svc, Clock: clock, APIRateLimit: limit, BaseURL: "http://orgdir.test"})
	if err != nil {
		t.Fatal(err)
	}
	two, err := New(Deps{Service: svc, Clock: clock, APIRateLimit: limit, BaseURL: "http://orgdir.test"})
	if err != nil {
		t.Fatal(err)
	}
	one.beat(sys)
	two.beat(sys)
	one.beat(sys) // now one knows of two
	srv := httptest.NewServer(one.Handler())
	defer srv.Close()
	passed := func() int {
		n := 0
		for range 6 {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1.0/me", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				n++
			}
		}
		return n
	}
	if n := passed(); n != 2 {
		t.Fatalf("one of two instances let %d requests of a burst of 4 through, want its share, 2", n)
	}
	if err := svc.EndInstance(sys, two.instance); err != nil {
		t.Fatal(err)
	}
	one.beat(sys)
	now = now.Add(2 * time.Hour) // refill to the (now whole) burst
	if n := passed(); n != 4 {
		t.Fatalf("the one instance left let %d requests through, want the whole burst, 4", n)
	}
}
