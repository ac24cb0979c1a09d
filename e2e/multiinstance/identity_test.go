package multiinstance

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// TestPurgingOnePersonsGuestsOnTwoInstancesErasesTheirEmailIdentity: a
// person who signs in by e-mail passcode is a guest in two tenants; both
// guests reach the end of their retention together and the two instances
// purge at once. The person's e-mail identity (their address) must go with
// the last of them: no purge may decide from a view in which the other
// guest, being purged beside it, still exists. (Before ListUsersByHome
// locked its rows, each instance took one guest, saw the other, and the
// identity outlived both; this test caught it within a few rounds.)
func TestPurgingOnePersonsGuestsOnTwoInstancesErasesTheirEmailIdentity(t *testing.T) {
	db := freshDatabase(t)
	clock := directory.NewFixedClock(start)
	one, two := twoInstances(t, db, clock.Now)
	a, b := mustTenant(t, one, "Contoso"), mustTenant(t, two, "Woodgrove")
	sys := system()
	for round := range 8 {
		addr := fmt.Sprintf("person%d@mail.example", round)
		id, err := one.svc.EnsureEmailIdentity(sys, addr)
		if err != nil {
			t.Fatal(err)
		}
		person := directory.WithActor(sys, directory.EmailActor(id.ID))
		var guests []*directory.User
		for _, tn := range []*directory.Tenant{a, b} {
			inv, err := one.svc.Invite(sys, tn.ID, directory.InviteRequest{InvitedUserEmailAddress: addr, InviteRedirectURL: "https://example.test"})
			if err != nil {
				t.Fatal(err)
			}
			g, err := two.svc.Redeem(person, inv.RedeemToken)
			if err != nil {
				t.Fatal(err)
			}
			if err := one.svc.DeleteUser(sys, tn.ID, g.ID); err != nil {
				t.Fatal(err)
			}
			guests = append(guests, g)
		}
		clock.Advance(31 * 24 * time.Hour)

		counts, errs := make([]int, 2), make([]error, 2)
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for i, in := range []*instance{one, two} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				counts[i], errs[i] = in.svc.PurgeExpired(sys, clock.Now(), 1)
			}()
		}
		close(gate)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: instance %d: purge: %v", round, i+1, err)
			}
		}
		if counts[0]+counts[1] != 2 {
			t.Fatalf("round %d: purged %d + %d guests, want 2", round, counts[0], counts[1])
		}
		for _, g := range guests {
			if n := db.count(t, `SELECT count(*) FROM users WHERE id = $1`, g.ID); n != 0 {
				t.Fatalf("round %d: guest %s survived the purge", round, g.ID)
			}
		}
		if n := db.count(t, `SELECT count(*) FROM email_identities WHERE id = $1 OR lower(email) = lower($2)`, id.ID, addr); n != 0 {
			t.Fatalf("round %d (purged %d by one, %d by two): the e-mail identity %s outlived every guest bound to it", round, counts[0], counts[1], addr)
		}
		t.Logf("round %d: instance one purged %d, instance two %d", round, counts[0], counts[1])
	}
}
