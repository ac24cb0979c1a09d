package httpapi

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// deltaPass follows @odata.nextLink from link to the page with
// @odata.deltaLink and returns every value of the pages and that link.
func (e *env) deltaPass(link, token string, headers ...string) ([]map[string]any, string, int) {
	e.t.Helper()
	var all []map[string]any
	for pages := 1; ; pages++ {
		r := e.get(link, token, headers...).want(e.t, http.StatusOK)
		all = append(all, r.values()...)
		next, delta := r.str("@odata.nextLink"), r.str("@odata.deltaLink")
		if (next == "") == (delta == "") {
			e.t.Fatalf("a page needs exactly one of nextLink and deltaLink: %s", r.raw)
		}
		if delta != "" {
			return all, delta, pages
		}
		link = next
	}
}

// byID indexes values by id, failing on an id given twice (a round
// reports each object once).
func byID(t *testing.T, values []map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, v := range values {
		id, _ := v["id"].(string)
		if _, dup := out[id]; dup || id == "" {
			t.Fatalf("id %q twice (or none) in one round: %v", id, values)
		}
		out[id] = v
	}
	return out
}

func removedReason(v map[string]any) string {
	r, _ := v["@removed"].(map[string]any)
	s, _ := r["reason"].(string)
	return s
}

func TestUsersDeltaFirstWalkSeesEveryoneOnce(t *testing.T) {
	e := newEnv(t)
	seeded := e.seedUsers(23, "walker")
	all, deltaLink, pages := e.deltaPass("/v1.0/users/delta?$top=5", e.adminToken)
	got := byID(t, all)
	want := e.get("/v1.0/users?$top=999", e.adminToken).want(t, http.StatusOK).ids()
	if len(got) != len(want) || pages != (len(want)+4)/5 {
		t.Fatalf("walk saw %d users in %d pages; /users lists %d", len(got), pages, len(want))
	}
	for id := range seeded {
		if got[id]["displayName"] == nil || got[id]["userPrincipalName"] == nil {
			t.Fatalf("seeded user %s missing or partial: %v", id, got[id])
		}
	}
	// Nothing changed: the next round is empty and links on.
	r := e.get(deltaLink, e.adminToken).want(t, http.StatusOK)
	if len(r.values()) != 0 || r.str("@odata.deltaLink") == "" {
		t.Fatalf("a round without changes: %s", r.raw)
	}
	// Prefer: odata.maxpagesize pages as $top does, and says so.
	p := e.get("/v1.0/users/delta", e.adminToken, "Prefer", "odata.maxpagesize=4").want(t, http.StatusOK)
	if len(p.values()) != 4 || p.str("@odata.nextLink") == "" || p.header.Get("Preference-Applied") != "odata.maxpagesize=4" {
		t.Fatalf("maxpagesize 4: %d values, Preference-Applied %q", len(p.values()), p.header.Get("Preference-Applied"))
	}
	// $select carries through the links; removed objects keep their shape.
	sel, _, _ := e.deltaPass("/v1.0/users/delta?$select=displayName&$top=10", e.adminToken)
	for _, v := range sel {
		for k := range v {
			if k != "id" && k != "displayName" && k != "@odata.type" {
				t.Fatalf("$select=displayName returned %s: %v", k, v)
			}
		}
	}
	if len(sel) != len(want) {
		t.Fatalf("$select walk saw %d, want %d", len(sel), len(want))
	}
	e.get("/v1.0/users/delta?$select=nope", e.adminToken).want(t, http.StatusBadRequest)
	e.get("/v1.0/users/delta?$filter=displayName eq 'x'", e.adminToken).want(t, http.StatusBadRequest)
}

func TestUsersDeltaRoundShowsExactlyTheChanges(t *testing.T) {
	e := newEnv(t)
	guestID, _, _ := e.acceptedGuest()
	bob := e.member(e.contoso, "bob@contoso.example", "Bob", "")
	carol := e.member(e.contoso, "carol@contoso.example", "Carol", "")
	dave := e.member(e.contoso, "dave@contoso.example", "Dave", "")
	e.member(e.contoso, "erin@contoso.example", "Erin", "") // unchanged
	_, deltaLink, _ := e.deltaPass("/v1.0/users/delta?$top=2", e.adminToken)

	created := e.do("POST", "/v1.0/users", e.adminToken, map[string]any{"displayName": "Frank", "userPrincipalName": "frank@contoso.example",
		"accountEnabled": true, "passwordProfile": map[string]any{"password": "Frank-builds-2026!"}}).want(t, http.StatusCreated).str("id")
	for _, name := range []string{"Bob B.", "Bob Builder"} { // twice: still once in the round
		e.do("PATCH", "/v1.0/users/"+bob.ID, e.adminToken, map[string]any{"displayName": name}).want(t, http.StatusNoContent)
	}
	e.do("DELETE", "/v1.0/users/"+carol.ID, e.adminToken, nil).want(t, http.StatusNoContent)
	e.do("POST", "/v1.0/me/organizations/"+e.contoso.ID+"/leave", e.adaHomeToken, nil).want(t, http.StatusNoContent)
	e.do("DELETE", "/v1.0/users/"+dave.ID, e.adminToken, nil).want(t, http.StatusNoContent)
	e.do("DELETE", "/v1.0/directory/deletedItems/"+dave.ID, e.adminToken, nil).want(t, http.StatusNoContent)
	// Another tenant's change is not Contoso's.
	e.do("PATCH", "/v1.0/users/"+e.ada.ID, e.fabrikamAdminToken, map[string]any{"displayName": "Ada L."}).want(t, http.StatusNoContent)

	values, next, _ := e.deltaPass(deltaLink, e.adminToken, "Prefer", "odata.maxpagesize=2")
	got := byID(t, values)
	if len(got) != 5 {
		t.Fatalf("the round has %d objects, want 5: %v", len(got), values)
	}
	if got[created]["displayName"] != "Frank" || got[bob.ID]["displayName"] != "Bob Builder" || removedReason(got[bob.ID]) != "" {
		t.Fatalf("created/updated: %v / %v", got[created], got[bob.ID])
	}
	for id, reason := range map[string]string{carol.ID: "changed", guestID: "changed", dave.ID: "deleted"} {
		if removedReason(got[id]) != reason || len(got[id]) != 2 {
			t.Fatalf("%s: %v, want only id and @removed.reason %s", id, got[id], reason)
		}
	}
	if again, _, _ := e.deltaPass(next, e.adminToken); len(again) != 0 {
		t.Fatalf("the next round repeats: %v", again)
	}

	// The token is Contoso's: Fabrikam's admin may not use it; a guest
	// may not list users; an old one is gone as Graph says.
	e.get(next, e.fabrikamAdminToken).want(t, http.StatusBadRequest)
	e.get(next+"x", e.adminToken).want(t, http.StatusBadRequest)
	e.get(next+"&$top=3", e.adminToken).want(t, http.StatusBadRequest)
	e.clock.Advance(directory.DeltaTokenLifetime - time.Hour)
	e.get(next, e.token(e.contoso.ID, e.admin.ID)).want(t, http.StatusOK)
	e.clock.Advance(2 * time.Hour)
	e.get(next, e.token(e.contoso.ID, e.admin.ID)).want(t, http.StatusGone, "syncStateNotFound")
}

// A change to a user the walk has already passed comes in the next
// round: the token is the position before the first page.
func TestUsersDeltaChangeDuringTheWalkComesNext(t *testing.T) {
	e := newEnv(t)
	e.seedUsers(6, "early")
	first := e.get("/v1.0/users/delta?$top=2", e.adminToken).want(t, http.StatusOK)
	passed := first.ids()[0]
	e.do("PATCH", "/v1.0/users/"+passed, e.adminToken, map[string]any{"displayName": "Late Rename"}).want(t, http.StatusNoContent)
	_, deltaLink, _ := e.deltaPass(first.str("@odata.nextLink"), e.adminToken)
	values, _, _ := e.deltaPass(deltaLink, e.adminToken)
	if len(values) != 1 || values[0]["id"] != passed || values[0]["displayName"] != "Late Rename" {
		t.Fatalf("the next round: %v", values)
	}
}

func TestUsersDeltaIsForWhoMayListUsers(t *testing.T) {
	e := newEnv(t)
	_, guestToken, _ := e.acceptedGuest()
	e.get("/v1.0/users/delta", guestToken).want(t, http.StatusForbidden)
	e.get("/v1.0/users/delta", "").want(t, http.StatusUnauthorized)
	member := e.member(e.contoso, "m@contoso.example", "M", "")
	e.get("/v1.0/users/delta", e.token(e.contoso.ID, member.ID)).want(t, http.StatusOK)
}

func TestGroupsDeltaMembers(t *testing.T) {
	e := newEnv(t)
	bob := e.member(e.contoso, "bob@contoso.example", "Bob", "")
	carol := e.member(e.contoso, "carol@contoso.example", "Carol", "")
	ref := func(id string) map[string]any {
		return map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + id}
	}
	e.do("POST", "/v1.0/groups/"+e.group.ID+"/members/$ref", e.adminToken, ref(bob.ID)).want(t, http.StatusNoContent)
	walk, deltaLink, _ := e.deltaPass("/v1.0/groups/delta", e.adminToken)
	g := byID(t, walk)[e.group.ID]
	if g["displayName"] != "Project Falcon" || fmt.Sprint(g["members@delta"]) != fmt.Sprint([]any{map[string]any{"@odata.type": "#microsoft.graph.user", "id": bob.ID}}) {
		t.Fatalf("the walk's group: %v", g)
	}

	e.do("POST", "/v1.0/groups/"+e.group.ID+"/members/$ref", e.adminToken, ref(carol.ID)).want(t, http.StatusNoContent)
	e.do("DELETE", "/v1.0/groups/"+e.group.ID+"/members/"+bob.ID+"/$ref", e.adminToken, nil).want(t, http.StatusNoContent)
	newGroup := e.do("POST", "/v1.0/groups", e.adminToken, map[string]any{"displayName": "Hawk"}).want(t, http.StatusCreated).str("id")
	values, next, _ := e.deltaPass(deltaLink, e.adminToken)
	got := byID(t, values)
	if len(got) != 2 || got[newGroup]["displayName"] != "Hawk" {
		t.Fatalf("round: %v", values)
	}
	members, _ := got[e.group.ID]["members@delta"].([]any)
	want := map[string]string{bob.ID: "deleted", carol.ID: ""}
	if len(members) != 2 {
		t.Fatalf("members@delta %v", members)
	}
	for _, m := range members {
		m := m.(map[string]any)
		if m["@odata.type"] != "#microsoft.graph.user" || removedReason(m) != want[m["id"].(string)] {
			t.Fatalf("member %v, want @removed %q", m, want[m["id"].(string)])
		}
	}
	// Without members in $select there is no members@delta.
	sel, _, _ := e.deltaPass("/v1.0/groups/delta?$select=displayName", e.adminToken)
	for _, v := range sel {
		if _, ok := v["members@delta"]; ok {
			t.Fatalf("members@delta without members selected: %v", v)
		}
	}
	if again, _, _ := e.deltaPass(next, e.adminToken); len(again) != 0 {
		t.Fatalf("the next round repeats: %v", again)
	}
	e.get(next, e.fabrikamAdminToken).want(t, http.StatusBadRequest)
	e.get(strings.Replace(next, "/groups/", "/users/", 1), e.adminToken).want(t, http.StatusBadRequest)
}

// TestUsersDeltaWalkWithConcurrentChanges walks in small pages while
// another goroutine changes users, then reads rounds until one is empty:
// the replica built from the walk and the rounds equals /users, and every
// name a user was given last was seen.
func TestUsersDeltaWalkWithConcurrentChanges(t *testing.T) {
	e := newEnv(t)
	ids := make([]string, 0, 40)
	for id := range e.seedUsers(40, "busy") {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	replica := map[string]map[string]any{}
	apply := func(values []map[string]any) {
		for _, v := range values {
			id := v["id"].(string)
			if removedReason(v) != "" {
				delete(replica, id)
			} else {
				replica[id] = v
			}
		}
	}

	var wg sync.WaitGroup
	var made atomic.Int64
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			id := ids[i*7%len(ids)]
			var err error
			switch i % 5 {
			case 4:
				_, err = e.svc.CreateUser(e.sys(), e.contoso.ID, directory.NewUser{UserPrincipalName: fmt.Sprintf("new%d@contoso.example", i), DisplayName: fmt.Sprintf("New %d", i)})
			case 3:
				err = e.svc.DeleteUser(e.sys(), e.contoso.ID, id)
			default:
				name := fmt.Sprintf("Renamed %d", i)
				_, err = e.svc.UpdateUser(e.sys(), e.contoso.ID, id, directory.UserPatch{DisplayName: &name})
			}
			if err != nil && !directory.IsKind(err, directory.KindNotFound) {
				t.Error(err)
				return
			}
			made.Add(1)
		}
	}()
	// Each page waits for two more changes, so that changes fall between
	// every two pages.
	pass := func(link string) ([]map[string]any, string) {
		var all []map[string]any
		for {
			target := made.Load() + 2
			for made.Load() < target {
				time.Sleep(time.Millisecond)
			}
			r := e.get(link, e.adminToken, "Prefer", "odata.maxpagesize=3").want(t, http.StatusOK)
			all = append(all, r.values()...)
			if d := r.str("@odata.deltaLink"); d != "" {
				return all, d
			}
			link = r.str("@odata.nextLink")
		}
	}
	values, link := pass("/v1.0/users/delta")
	apply(values)
	for range 3 {
		values, link = pass(link)
		byID(t, values)
		apply(values)
	}
	close(stop)
	wg.Wait()
	for round := 0; ; round++ {
		values, link, _ = e.deltaPass(link, e.adminToken, "Prefer", "odata.maxpagesize=3")
		byID(t, values)
		apply(values)
		if len(values) == 0 {
			break
		}
		if round > 3 {
			t.Fatal("the rounds do not settle")
		}
	}
	truth := e.get("/v1.0/users?$top=999", e.adminToken).want(t, http.StatusOK).values()
	if len(truth) != len(replica) {
		t.Fatalf("replica has %d users, /users %d", len(replica), len(truth))
	}
	for _, u := range truth {
		r := replica[u["id"].(string)]
		if r == nil || r["displayName"] != u["displayName"] {
			t.Fatalf("replica %v, /users %v", r, u)
		}
	}
}

// A delta link is a position, not server state: another instance (its own
// Service and API over the same database) answers it.
func TestUsersDeltaLinkWorksOnAnotherInstance(t *testing.T) {
	e := newEnv(t)
	_, deltaLink, _ := e.deltaPass("/v1.0/users/delta", e.adminToken)
	bob := e.member(e.contoso, "bob@contoso.example", "Bob", "")
	other := directory.NewService(e.store, directory.Options{Clock: e.clock.Now, PublicBaseURL: "http://orgdir.test"})
	srv := httptest.NewServer(New(other, Options{Clock: e.clock.Now}))
	t.Cleanup(srv.Close)
	if !strings.HasPrefix(deltaLink, e.srv.URL+"/") {
		t.Fatalf("the link %s is not on %s", deltaLink, e.srv.URL)
	}
	values, _, _ := e.deltaPass(srv.URL+strings.TrimPrefix(deltaLink, e.srv.URL), e.adminToken)
	if len(values) != 1 || values[0]["id"] != bob.ID {
		t.Fatalf("the other instance's round: %v", values)
	}
}

// Members added and removed while groups are walked and read in rounds:
// the members built from members@delta equal each group's members.
func TestGroupsDeltaMembersConvergeUnderConcurrentChanges(t *testing.T) {
	e := newEnv(t)
	users := make([]string, 0, 12)
	for id := range e.seedUsers(12, "m") {
		users = append(users, id)
	}
	slices.Sort(users)
	groups := []string{e.group.ID}
	for i := range 5 {
		g, err := e.svc.CreateGroup(e.sys(), e.contoso.ID, fmt.Sprintf("G%d", i), "")
		fatalIf(t, err)
		groups = append(groups, g.ID)
	}
	replica := map[string]map[string]bool{}
	apply := func(values []map[string]any) {
		for _, v := range values {
			g := v["id"].(string)
			if replica[g] == nil {
				replica[g] = map[string]bool{}
			}
			ms, _ := v["members@delta"].([]any)
			for _, m := range ms {
				m := m.(map[string]any)
				replica[g][m["id"].(string)] = removedReason(m) == ""
			}
		}
	}
	var made atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			g, u := groups[i%len(groups)], users[i*5%len(users)]
			err := e.svc.AddGroupMember(e.sys(), e.contoso.ID, g, u)
			if directory.IsKind(err, directory.KindConflict) {
				err = e.svc.RemoveGroupMember(e.sys(), e.contoso.ID, g, u)
			}
			if err != nil {
				t.Error(err)
				return
			}
			made.Add(1)
		}
	}()
	pass := func(link string) ([]map[string]any, string) {
		var all []map[string]any
		for {
			target := made.Load() + 3
			for made.Load() < target {
				time.Sleep(time.Millisecond)
			}
			r := e.get(link, e.adminToken, "Prefer", "odata.maxpagesize=2").want(t, http.StatusOK)
			all = append(all, r.values()...)
			if d := r.str("@odata.deltaLink"); d != "" {
				return all, d
			}
			link = r.str("@odata.nextLink")
		}
	}
	values, link := pass("/v1.0/groups/delta")
	apply(values)
	for range 3 {
		values, link = pass(link)
		byID(t, values)
		apply(values)
	}
	close(stop)
	<-done
	for round := 0; ; round++ {
		values, next, _ := e.deltaPass(link, e.adminToken)
		link = next
		apply(values)
		if len(values) == 0 {
			break
		}
		if round > 3 {
			t.Fatal("the rounds do not settle")
		}
	}
	for _, g := range groups {
		want := map[string]bool{}
		for _, id := range e.get("/v1.0/groups/"+g+"/members?$top=999", e.adminToken).want(t, http.StatusOK).ids() {
			want[id] = true
		}
		for u, in := range replica[g] {
			if in != want[u] {
				t.Fatalf("group %s: replica says %s in=%v", g, u, in)
			}
			delete(want, u)
		}
		if len(want) != 0 {
			t.Fatalf("group %s: the replica misses members %v", g, want)
		}
	}
}
