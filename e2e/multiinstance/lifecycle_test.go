package multiinstance

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// The state of a guest, as the race test sees it.
type guestState string

const (
	stateLive    guestState = "live"
	stateDeleted guestState = "deleted"
	stateGone    guestState = "gone"
)

// transition is what one successful operation does: from one state to
// another. An operation that succeeds from any other state is a bug.
var transitions = map[string]struct{ from, to guestState }{
	directory.ActivityLeaveOrganization: {stateLive, stateDeleted},
	directory.ActivityRestoreUser:       {stateDeleted, stateLive},
	directory.ActivityHardDeleteUser:    {stateDeleted, stateGone},
}

// TestLeaveRestoreAndPermanentDeleteFromTwoInstancesEndInOneValidState
// races, on one guest, the guest leaving on instance one against an
// administrator restoring it and deleting it permanently on instance two,
// round after round, from a live guest and from one already deleted. Each
// round must end in one state that some order of the operations that
// succeeded leads to; every operation's result must match the audit log
// (a success is recorded once, a failure not as a success); a restored
// guest has its group and its app role back; a purged one has nothing
// left.
func TestLeaveRestoreAndPermanentDeleteFromTwoInstancesEndInOneValidState(t *testing.T) {
	db := freshDatabase(t)
	clock := directory.NewFixedClock(start)
	one, two := twoInstances(t, db, clock.Now)
	home := mustTenant(t, one, "Fabrikam")
	res := mustTenant(t, two, "Contoso")
	sys := system()
	group, err := one.svc.CreateGroup(sys, res.ID, "Project", "")
	if err != nil {
		t.Fatal(err)
	}
	app, err := one.svc.CreateApplication(sys, res.ID, "Portal", []directory.AppRole{{DisplayName: "Reader", Value: "read"}})
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[string]int{}
	const rounds = 40
	for round := range rounds {
		startDeleted := round%2 == 1
		// Leave as the guest object itself, or as the person at home.
		leaveAsHome := round%4 >= 2
		g, h := guestWithAccess(t, one, home, res, group, app, round)
		from := stateLive
		if startDeleted {
			if err := two.svc.DeleteUser(sys, res.ID, g.ID); err != nil {
				t.Fatal(err)
			}
			from = stateDeleted
		}

		leaver := as(g)
		if leaveAsHome {
			leaver = as(h)
		}
		results := map[string]error{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		gate := make(chan struct{})
		race := func(activity string, run func() error) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				err := run()
				mu.Lock()
				results[activity] = err
				mu.Unlock()
			}()
		}
		race(directory.ActivityLeaveOrganization, func() error { return one.svc.Leave(leaver, res.ID) })
		race(directory.ActivityRestoreUser, func() error { _, err := two.svc.RestoreUser(sys, res.ID, g.ID, ""); return err })
		race(directory.ActivityHardDeleteUser, func() error { return two.svc.PermanentlyDeleteUser(sys, res.ID, g.ID) })
		close(gate)
		wg.Wait()

		where := fmt.Sprintf("round %d (start %s, leave as %s)", round, from, map[bool]string{true: "home user", false: "guest"}[leaveAsHome])
		var succeeded []string
		for activity, err := range results {
			switch directory.KindOf(err) {
			case directory.KindNotFound, directory.KindConflict, directory.KindUnauthenticated:
				// A refusal that the state at the time explains.
			default:
				if err != nil {
					t.Fatalf("%s: %s failed unexpectedly: %v", where, activity, err)
				}
				succeeded = append(succeeded, activity)
			}
			recorded := db.successes(t, res.ID, activity)[g.ID]
			if want := map[bool]int{true: 1, false: 0}[err == nil]; recorded != want {
				t.Fatalf("%s: %s returned %v but the audit log has %d successes of it", where, activity, err, recorded)
			}
		}
		end := stateOf(t, one, g)
		if !reachable(from, end, succeeded) {
			t.Fatalf("%s: the operations that succeeded, %v, lead from %s to no order that ends %s", where, succeeded, from, end)
		}
		checkEnd(t, db, one, where, g, group, end)
		outcomes[fmt.Sprintf("%s→%s via %v", from, end, sorted(succeeded))]++
	}
	for o, n := range outcomes {
		t.Logf("%3d× %s", n, o)
	}
}

// guestWithAccess makes a Fabrikam member who is an accepted guest in
// Contoso, in its group and holding its app role; returns the guest and
// the home user.
func guestWithAccess(t *testing.T, in *instance, home, res *directory.Tenant, group *directory.Group, app *directory.Application, n int) (*directory.User, *directory.User) {
	t.Helper()
	sys := system()
	h, err := in.svc.CreateUser(sys, home.ID, directory.NewUser{
		UserPrincipalName: fmt.Sprintf("person%d@%s", n, home.InitialDomain), DisplayName: fmt.Sprintf("Person %d", n),
		Mail: fmt.Sprintf("person%d@%s", n, home.InitialDomain)})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := in.svc.Invite(sys, res.ID, directory.InviteRequest{InvitedUserEmailAddress: h.Mail, InviteRedirectURL: "https://example.test"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := in.svc.Redeem(as(h), inv.RedeemToken)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.svc.AddGroupMember(sys, res.ID, group.ID, g.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := in.svc.AssignAppRole(sys, res.ID, g.ID, app.ID, app.AppRoles[0].ID); err != nil {
		t.Fatal(err)
	}
	return g, h
}

// stateOf reads the guest's state from the store.
func stateOf(t *testing.T, in *instance, g *directory.User) guestState {
	t.Helper()
	var st guestState
	err := in.store.Read(context.Background(), func(tx directory.Tx) error {
		u, err := tx.GetUser(context.Background(), g.TenantID, g.ID)
		switch {
		case directory.IsKind(err, directory.KindNotFound):
			st = stateGone
		case err != nil:
			return err
		case u.Deleted():
			st = stateDeleted
		default:
			st = stateLive
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// reachable reports whether some order of the operations that succeeded,
// each applied once from its own starting state, leads from one state to
// end.
func reachable(from, end guestState, ops []string) bool {
	if len(ops) == 0 {
		return from == end
	}
	for i, op := range ops {
		tr := transitions[op]
		if tr.from != from {
			continue
		}
		rest := append(slices.Clone(ops[:i]), ops[i+1:]...)
		if reachable(tr.to, end, rest) {
			return true
		}
	}
	return false
}

// checkEnd checks what the end state implies: a live or deleted guest
// keeps its membership and assignment; a gone one has no rows left and
// no name in the audit log.
func checkEnd(t *testing.T, db *database, in *instance, where string, g *directory.User, group *directory.Group, end guestState) {
	t.Helper()
	ctx := context.Background()
	members := db.count(t, `SELECT count(*) FROM group_members WHERE tenant_id = $1 AND user_id = $2 AND group_id = $3`, g.TenantID, g.ID, group.ID)
	assignments := db.count(t, `SELECT count(*) FROM app_role_assignments WHERE tenant_id = $1 AND principal_id = $2`, g.TenantID, g.ID)
	switch end {
	case stateGone:
		if members != 0 || assignments != 0 {
			t.Fatalf("%s: the purged guest left %d memberships and %d assignments", where, members, assignments)
		}
		if n := db.count(t, `SELECT count(*) FROM audit_targets WHERE object_id = $1 AND (upn <> '' OR display_name <> '')`, g.ID); n != 0 {
			t.Fatalf("%s: %d audit records still name the purged guest", where, n)
		}
	default:
		if members != 1 || assignments != 1 {
			t.Fatalf("%s: the %s guest has %d memberships and %d assignments, want its 1 and 1", where, end, members, assignments)
		}
	}
	if end == stateLive {
		err := in.store.Read(ctx, func(tx directory.Tx) error {
			gs, err := tx.ListMemberOf(ctx, g.TenantID, g.ID)
			if err != nil {
				return err
			}
			if len(gs) != 1 || gs[0].ID != group.ID {
				return fmt.Errorf("memberOf is %d groups, want the one it had", len(gs))
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: live guest: %v", where, err)
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestLeaveAsHomeUserAgainstAdminDisableAndDelete races a person leaving
// (signed in at home, so the guest is found through the home account) on
// instance one against an administrator disabling and deleting the same
// guest on instance two, the administrator starting a little later in some
// rounds so that each side wins some. A leave and a delete cannot both
// succeed, nor a leave and a disable (a disabled guest cannot leave, a
// deleted one cannot be disabled), and the row must show what succeeded: a
// leave must not overwrite a disable it did not see, nor record a second
// deletion of a guest already deleted.
func TestLeaveAsHomeUserAgainstAdminDisableAndDelete(t *testing.T) {
	db := freshDatabase(t)
	clock := directory.NewFixedClock(start)
	one, two := twoInstances(t, db, clock.Now)
	home := mustTenant(t, one, "Fabrikam")
	res := mustTenant(t, two, "Contoso")
	sys := system()
	group, err := one.svc.CreateGroup(sys, res.ID, "Project", "")
	if err != nil {
		t.Fatal(err)
	}
	app, err := one.svc.CreateApplication(sys, res.ID, "Portal", []directory.AppRole{{DisplayName: "Reader", Value: "read"}})
	if err != nil {
		t.Fatal(err)
	}
	disabled := false
	winners := map[string]int{}
	for round := range 30 {
		g, h := guestWithAccess(t, one, home, res, group, app, round)
		var leaveErr, disableErr, deleteErr error
		var wg sync.WaitGroup
		gate := make(chan struct{})
		wg.Add(3)
		go func() { defer wg.Done(); <-gate; leaveErr = one.svc.Leave(as(h), res.ID) }()
		adminDelay := time.Duration(round%6) * time.Millisecond
		go func() {
			defer wg.Done()
			<-gate
			time.Sleep(adminDelay)
			_, disableErr = two.svc.UpdateUser(sys, res.ID, g.ID, directory.UserPatch{AccountEnabled: &disabled})
		}()
		go func() {
			defer wg.Done()
			<-gate
			time.Sleep(adminDelay)
			deleteErr = two.svc.DeleteUser(sys, res.ID, g.ID)
		}()
		close(gate)
		wg.Wait()

		where := fmt.Sprintf("round %d", round)
		var u *directory.User
		if err := one.store.Read(context.Background(), func(tx directory.Tx) error {
			var err error
			u, err = tx.GetUser(context.Background(), res.ID, g.ID)
			return err
		}); err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		left := db.successes(t, res.ID, directory.ActivityLeaveOrganization)[g.ID]
		deleted := db.successes(t, res.ID, directory.ActivityDeleteUser)[g.ID]
		disabledRec := db.successes(t, res.ID, directory.ActivityDisableAccount)[g.ID]
		if (leaveErr == nil) != (left == 1) || (deleteErr == nil) != (deleted == 1) || (disableErr == nil) != (disabledRec == 1) {
			t.Fatalf("%s: results leave=%v disable=%v delete=%v, audit successes leave=%d disable=%d delete=%d",
				where, leaveErr, disableErr, deleteErr, left, disabledRec, deleted)
		}
		if left+deleted > 1 {
			t.Fatalf("%s: the guest was deleted twice (leave %d, delete %d)", where, left, deleted)
		}
		if left == 1 && disabledRec == 1 {
			t.Fatalf("%s: a disabled guest left, or a deleted one was disabled", where)
		}
		if u.Deleted() != (left+deleted == 1) {
			t.Fatalf("%s: deleted=%v but %d deletions succeeded", where, u.Deleted(), left+deleted)
		}
		if u.AccountEnabled == (disableErr == nil) {
			t.Fatalf("%s: accountEnabled=%v but the disable returned %v", where, u.AccountEnabled, disableErr)
		}
		winners[fmt.Sprintf("leave=%v disable=%v delete=%v", leaveErr == nil, disableErr == nil, deleteErr == nil)]++
	}
	for w, n := range winners {
		t.Logf("%3d× %s", n, w)
	}
}
