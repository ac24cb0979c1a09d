package ruletest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// changesSince returns the tenant's change log after pos, as
// "kind type reason object[ group]" lines, and the last position. It waits
// (up to 15 s) for at least n: on PostgreSQL a change is read once every
// older transaction of the server has ended, and other tests' may run.
func (w *world) changesSince(tenantID string, pos directory.ChangePos, n int) ([]string, directory.ChangePos) {
	w.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		out, last := w.readChanges(tenantID, pos)
		if len(out) >= n || time.Now().After(deadline) {
			return out, last
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (w *world) readChanges(tenantID string, pos directory.ChangePos) ([]string, directory.ChangePos) {
	w.t.Helper()
	var out []string
	ok(w.t, w.store.Read(w.sys, func(tx directory.Tx) error {
		cs, err := tx.ListChanges(w.sys, tenantID, pos, 1000)
		for _, c := range cs {
			s := fmt.Sprintf("%s %s %s %s", c.Kind, c.Type, c.Reason, c.ObjectID)
			if c.GroupID != "" {
				s += " " + c.GroupID
			}
			out = append(out, s)
			pos = c.Pos
		}
		return err
	}))
	return out, pos
}

// settledHead waits until the tenant's change log shows the line last
// (the test's latest change) and returns the last position: the writes of
// one test run one after the other, so once the latest is read, every
// earlier one is too (on PostgreSQL, changes become readable in order of
// their transactions).
func (w *world) settledHead(tenantID, last string) directory.ChangePos {
	w.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		lines, pos := w.readChanges(tenantID, directory.ChangePos{})
		if slices.Contains(lines, last) {
			return pos
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("the change %q never showed: %v", last, lines)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// worldHead is settledHead after newWorld: its last logged change is
// the guest joining the team.
func (w *world) worldHead() directory.ChangePos {
	return w.settledHead(w.contoso.ID, "member created  "+w.adaGuest.ID+" "+w.team.ID)
}

func wantChanges(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func testChangeLog(t *testing.T, ns NewStore) {
	t.Run("EveryDirectoryChangeIsLoggedByIdInItsTransaction", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		pos := w.worldHead()
		c, g, team := w.contoso.ID, w.adaGuest.ID, w.team.ID

		ok(t, w.svc.RemoveGroupMember(admin, c, team, g))
		ok(t, w.svc.AddGroupMember(admin, c, team, g))
		got, pos := w.changesSince(c, pos, 2)
		wantChanges(t, got, "member deleted deleted "+g+" "+team, "member created  "+g+" "+team)

		ok(t, w.svc.Leave(w.as(w.ada), c))
		got, pos = w.changesSince(c, pos, 1)
		wantChanges(t, got, "user deleted changed "+g)

		must(w.svc.RestoreUser(admin, c, g, ""))(t)
		got, pos = w.changesSince(c, pos, 1)
		wantChanges(t, got, "user created  "+g)

		name := "Ada L."
		must(w.svc.UpdateUser(admin, c, g, directory.UserPatch{DisplayName: &name}))(t)
		ok(t, w.svc.DeleteUser(admin, c, g))
		ok(t, w.svc.PermanentlyDeleteUser(admin, c, g))
		got, pos = w.changesSince(c, pos, 3)
		wantChanges(t, got, "user updated  "+g, "user deleted changed "+g, "user deleted deleted "+g)

		grp := must(w.svc.CreateGroup(admin, c, "Ops", ""))(t)
		u := w.member(w.contoso, "bob", "Bob")
		got, _ = w.changesSince(c, pos, 2)
		wantChanges(t, got, "group created  "+grp.ID, "user created  "+u.ID)

		// Ids only: no name or address of anyone.
		var raw string
		ok(t, w.store.Read(w.sys, func(tx directory.Tx) error {
			cs, err := tx.ListChanges(w.sys, c, directory.ChangePos{}, 1000)
			raw = jsonOf(t, cs)
			return err
		}))
		for _, s := range []string{"Ada", "Bob", w.ada.Mail, "Ops", "Research"} {
			if strings.Contains(raw, s) {
				t.Errorf("the change log holds %q: %s", s, raw)
			}
		}
	})

	t.Run("PurgeIsAPermanentDelete", func(t *testing.T) {
		w := newWorld(t, ns)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		pos := w.settledHead(w.contoso.ID, "user deleted changed "+w.adaGuest.ID)
		n := must(w.svc.PurgeExpired(w.sys, w.clock.Now().Add(31*24*time.Hour), 10))(t)
		if n != 1 {
			t.Fatalf("purged %d, want 1", n)
		}
		got, _ := w.changesSince(w.contoso.ID, pos, 1)
		wantChanges(t, got, "user deleted deleted "+w.adaGuest.ID)
	})

	t.Run("ARefusedChangeLogsNothingAndTenantsSeeOnlyTheirOwn", func(t *testing.T) {
		w := newWorld(t, ns)
		pos := w.worldHead()
		// Nobody deletes themselves: refused, nothing logged.
		err := w.svc.DeleteUser(w.as(w.contosoAdmin), w.contoso.ID, w.contosoAdmin.ID)
		if err == nil {
			t.Fatal("an admin deleted themselves")
		}
		w.member(w.fabrikam, "eve", "Eve")
		// Fabrikam's change first: once it shows, the refused one would too.
		fab, _ := w.changesSince(w.fabrikam.ID, pos, 1)
		got, _ := w.changesSince(w.contoso.ID, pos, 0)
		wantChanges(t, got)
		got = fab
		if len(got) != 1 || !strings.HasPrefix(got[0], "user created") {
			t.Fatalf("Fabrikam's changes = %v, want its one new user", got)
		}
	})

	t.Run("ChangesPastTheRetentionGoAndOnlyTheSystemExpiresThem", func(t *testing.T) {
		w := newWorld(t, ns)
		before, _ := w.changesSince(w.contoso.ID, directory.ChangePos{}, 1)
		w.clock.Advance(directory.ChangeLogRetention - time.Minute)
		w.member(w.contoso, "late", "Late")
		wantKind(t, errOnly(w.svc.ExpireChanges(w.as(w.contosoAdmin))), directory.KindForbidden)
		if n := must(w.svc.ExpireChanges(w.sys))(t); n != 0 {
			t.Fatalf("expired %d within the retention", n)
		}
		w.clock.Advance(2 * time.Minute)
		n := must(w.svc.ExpireChanges(w.sys))(t)
		after, _ := w.changesSince(w.contoso.ID, directory.ChangePos{}, 1)
		fab, _ := w.readChanges(w.fabrikam.ID, directory.ChangePos{})
		if len(after) != 1 || !strings.HasPrefix(after[0], "user created") || len(fab) != 0 || n < len(before) {
			t.Fatalf("expired %d; left %v and Fabrikam's %v", n, after, fab)
		}
	})
}

// deltaUntil reads rounds of users (or groups) from pos until every id of
// want shows, keeping each id's latest delta; a round tells an id once.
func deltaUntil[T any](w *world, pos directory.ChangePos, want []string, round func(*directory.DeltaRound) ([]T, error), id func(T) string) map[string]T {
	w.t.Helper()
	got := map[string]T{}
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := &directory.DeltaRound{After: pos, Limit: 2}
		seen := map[string]bool{}
		for {
			page := must(round(r))(w.t)
			more := len(page) > r.Limit
			if more {
				page = page[:r.Limit]
			}
			for _, d := range page {
				if seen[id(d)] {
					w.t.Fatalf("%s twice in one round", id(d))
				}
				seen[id(d)] = true
				got[id(d)] = d
			}
			if !more {
				break
			}
			r.AfterID = id(page[len(page)-1])
		}
		pos = r.Until
		missing := slices.ContainsFunc(want, func(s string) bool { _, ok := got[s]; return !ok })
		if !missing {
			return got
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("delta rounds never showed all of %v: %d", want, len(got))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func testDelta(t *testing.T, ns NewStore) {
	t.Run("DeltaRoundsTellEachChangedObjectOnceInItsStateNow", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		c, g, team := w.contoso.ID, w.adaGuest.ID, w.team.ID
		wantKind(t, errOnly(w.svc.DeltaStart(w.as(w.adaGuest), c, directory.ChangeUser)), directory.KindForbidden)
		wantKind(t, errOnly(w.svc.DeltaStart(admin, w.fabrikam.ID, directory.ChangeGroup)), directory.KindForbidden)
		must(w.svc.DeltaStart(admin, c, directory.ChangeGroup))(t)
		pos := w.worldHead()

		bob := w.member(w.contoso, "bob", "Bob")
		gone := w.member(w.contoso, "gone", "Gone")
		for _, name := range []string{"Bob B.", "Bob Builder"} {
			must(w.svc.UpdateUser(admin, c, bob.ID, directory.UserPatch{DisplayName: &name}))(t)
		}
		ok(t, w.svc.RemoveGroupMember(admin, c, team, g))
		ok(t, w.svc.Leave(w.as(w.ada), c))
		ok(t, w.svc.DeleteUser(admin, c, gone.ID))
		ok(t, w.svc.PermanentlyDeleteUser(admin, c, gone.ID))

		users := deltaUntil(w, pos, []string{bob.ID, g, gone.ID}, func(r *directory.DeltaRound) ([]directory.UserDelta, error) {
			return w.svc.UsersDelta(admin, c, r)
		}, func(d directory.UserDelta) string { return d.ID })
		if u := users[bob.ID].User; u == nil || u.DisplayName != "Bob Builder" || users[g].Removed != directory.RemovedChanged ||
			users[gone.ID].Removed != directory.RemovedDeleted || len(users) != 3 {
			t.Fatalf("users delta %+v", users)
		}
		groups := deltaUntil(w, pos, []string{team}, func(r *directory.DeltaRound) ([]directory.GroupDelta, error) {
			return w.svc.GroupsDelta(admin, c, r)
		}, func(d directory.GroupDelta) string { return d.ID })
		if d := groups[team]; d.Group == nil || len(d.Members) != 1 || d.Members[0].UserID != g || d.Members[0].Removed != directory.RemovedDeleted {
			t.Fatalf("groups delta %+v", groups)
		}
	})
}
