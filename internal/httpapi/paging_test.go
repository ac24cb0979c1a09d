package httpapi

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// seedUsers writes n members straight into the store, in one transaction
// (the Service would audit each: slow, and not what this test is about).
func (e *env) seedUsers(n int, prefix string) map[string]bool {
	e.t.Helper()
	ctx := context.Background()
	ids := map[string]bool{}
	err := e.store.Write(ctx, func(tx directory.Tx) error {
		for i := range n {
			u := &directory.User{
				ID: directory.NewID(), TenantID: e.contoso.ID,
				UserPrincipalName: fmt.Sprintf("%s%04d@contoso.example", prefix, i),
				DisplayName:       fmt.Sprintf("%s %04d", prefix, rand.IntN(10000)), // names repeat: ties break by id
				UserType:          directory.Member, AccountEnabled: true, CreatedAt: e.clock.Now(),
			}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			ids[u.ID] = true
		}
		return nil
	})
	fatalIf(e.t, err)
	return ids
}

func TestPagingWalkSeesEveryUserOnceWhileUsersAreAddedAndDeleted(t *testing.T) {
	e := newEnv(t)
	before := e.seedUsers(2500, "walker")
	before[e.admin.ID] = true

	for _, order := range []string{"", "&$orderby=displayName", "&$orderby=displayName desc"} {
		t.Run("order"+strings.ReplaceAll(order, " ", "_"), func(t *testing.T) {
			stop := make(chan struct{})
			added := 0
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { // a writer adding users during the walk
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					u, err := e.svc.CreateUser(e.sys(), e.contoso.ID, directory.NewUser{
						UserPrincipalName: fmt.Sprintf("late%s%d@contoso.example", strings.ReplaceAll(strings.TrimPrefix(order, "&$orderby="), " ", ""), i),
						DisplayName:       fmt.Sprintf("walker %04d", rand.IntN(10000)),
					})
					if err == nil && i%2 == 1 { // and deletes every other one it added
						err = e.svc.DeleteUser(e.sys(), e.contoso.ID, u.ID)
					}
					if err != nil {
						t.Error(err)
						return
					}
					added++
				}
			}()

			seen := map[string]int{}
			next := "/v1.0/users?$top=97" + order
			pages := 0
			for next != "" {
				r := e.get(next, e.adminToken).want(t, http.StatusOK)
				for _, id := range r.ids() {
					seen[id]++
				}
				next = r.str("@odata.nextLink")
				if next != "" && (!strings.HasPrefix(next, e.srv.URL+"/v1.0/users?") || !strings.Contains(next, "$skiptoken=")) {
					t.Fatalf("nextLink %q is not a full URL with $skiptoken", next)
				}
				pages++
			}
			close(stop)
			wg.Wait()
			t.Logf("%d users added (every other one deleted) during a walk of %d pages", added, pages)
			if added == 0 {
				t.Fatal("no user was added during the walk: the test proves nothing")
			}

			for id, n := range seen {
				if n != 1 {
					t.Errorf("user %s seen %d times", id, n)
				}
			}
			for id := range before {
				if seen[id] != 1 {
					t.Errorf("pre-existing user %s seen %d times", id, seen[id])
				}
			}
			if pages < 2500/97 {
				t.Errorf("%d pages for %d users", pages, len(seen))
			}
		})
	}
}

func TestPagingAtTheLargestPageSize(t *testing.T) {
	e := newEnv(t)
	e.seedUsers(1200, "big")
	r := e.get("/v1.0/users?$top=999", e.adminToken).want(t, http.StatusOK)
	if len(r.values()) != 999 || r.str("@odata.nextLink") == "" {
		t.Fatalf("first page: %d values, nextLink %q", len(r.values()), r.str("@odata.nextLink"))
	}
	r = e.get(r.str("@odata.nextLink"), e.adminToken).want(t, http.StatusOK)
	if len(r.values()) != 1200+1-999 || r.str("@odata.nextLink") != "" {
		t.Fatalf("second page: %d values, nextLink %q", len(r.values()), r.str("@odata.nextLink"))
	}
}

func TestCountNeedsConsistencyLevelAndCountsEveryPage(t *testing.T) {
	e := newEnv(t)
	e.seedUsers(30, "counted")
	e.get("/v1.0/users?$count=true", e.adminToken).want(t, http.StatusBadRequest, "Request_BadRequest")
	r := e.get("/v1.0/users?$count=true&$top=10", e.adminToken, "ConsistencyLevel", "eventual").want(t, http.StatusOK)
	if n, _ := r.body["@odata.count"].(float64); n != 31 || len(r.values()) != 10 {
		t.Fatalf("@odata.count %v with %d values", r.body["@odata.count"], len(r.values()))
	}
}

func TestSkipTokenOfAnotherQueryIsRefused(t *testing.T) {
	e := newEnv(t)
	e.seedUsers(5, "tok")
	r := e.get("/v1.0/users?$top=2&$orderby=displayName", e.adminToken).want(t, http.StatusOK)
	link := r.str("@odata.nextLink")
	tok := link[strings.Index(link, "$skiptoken=")+len("$skiptoken="):]
	e.get("/v1.0/users?$top=2&$skiptoken="+tok, e.adminToken).want(t, http.StatusBadRequest, "Request_BadRequest")
	e.get("/v1.0/directory/deletedItems/microsoft.graph.user?$orderby=displayName&$skiptoken="+tok, e.adminToken).want(t, http.StatusBadRequest, "Request_BadRequest")
}

func TestMemberOfAndAssignmentsArePaged(t *testing.T) {
	e := newEnv(t)
	guestID, _, _ := e.acceptedGuest()
	for i := range 4 {
		g, err := e.svc.CreateGroup(e.sys(), e.contoso.ID, fmt.Sprintf("Team %d", i), "")
		fatalIf(t, err)
		fatalIf(t, e.svc.AddGroupMember(e.sys(), e.contoso.ID, g.ID, guestID))
	}
	for _, path := range []string{"/users/" + guestID + "/memberOf", "/users/" + guestID + "/appRoleAssignments"} {
		want := e.get("/v1.0"+path, e.adminToken).want(t, http.StatusOK).ids()
		var got []string
		next := "/v1.0" + path + "?$top=2"
		for next != "" {
			r := e.get(next, e.adminToken).want(t, http.StatusOK)
			got = append(got, r.ids()...)
			next = r.str("@odata.nextLink")
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s walked in pages of 2: %v, want %v", path, got, want)
		}
	}
}
