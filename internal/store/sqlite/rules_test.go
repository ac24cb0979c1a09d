package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/directory/ruletest"
	"github.com/orgdir/orgdir/internal/store/sqlite"
)

// TestRules runs the domain's rule suite on SQLite.
func TestRules(t *testing.T) {
	ruletest.Run(t, func(t *testing.T) directory.Store { return open(t) })
}

// TestLeaveThenPermanentDeleteLeavesNoPersonalBytes drives the whole
// lifecycle of an e-mail one-time-passcode guest through the Service —
// invited with an e-mail, redeemed, in a group, leaves, deleted for good —
// and then scans the raw bytes of the database file and its WAL for the
// guest's name, mail and UPN, in every case.
func TestLeaveThenPermanentDeleteLeavesNoPersonalBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "orgdir.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock := directory.NewFixedClock(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC))
	svc := directory.NewService(st, directory.Options{Clock: clock.Now, PublicBaseURL: "https://orgdir.test"})
	sys := directory.WithActor(context.Background(), directory.SystemActor("test"))
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	const (
		name = "Xanthippe Quarrelsome-Vortigern"
		mail = "XQ.Vortigern4471@Uncommon-Mailhost.example"
		upn  = "XQ.Vortigern4471_Uncommon-Mailhost.example#EXT#@contoso.example"
	)
	tn, err := svc.CreateTenant(sys, "Contoso", "contoso.example")
	check(err)
	admin, err := svc.CreateUser(sys, tn.ID, directory.NewUser{UserPrincipalName: "admin@contoso.example", DisplayName: "Admin"})
	check(err)
	check(svc.AddRole(sys, tn.ID, admin.ID, directory.RoleGlobalAdministrator))
	adminCtx := directory.WithActor(context.Background(), directory.UserActor(tn.ID, admin.ID))
	group, err := svc.CreateGroup(adminCtx, tn.ID, "Sales", "")
	check(err)

	identity, err := svc.EnsureEmailIdentity(sys, mail)
	check(err)
	res, err := svc.Invite(adminCtx, tn.ID, directory.InviteRequest{
		InvitedUserEmailAddress: mail, InvitedUserDisplayName: name, SendInvitationMessage: true,
		CustomizedMessageBody: "Dear " + name,
	})
	check(err)
	if res.User.UserPrincipalName != upn {
		t.Fatalf("UPN = %s, want %s", res.User.UserPrincipalName, upn)
	}
	person := directory.WithActor(context.Background(), directory.EmailActor(identity.ID))
	guest, err := svc.Redeem(person, res.RedeemToken)
	check(err)
	check(svc.AddGroupMember(adminCtx, tn.ID, group.ID, guest.ID))
	_, err = svc.UpdateUser(adminCtx, tn.ID, guest.ID, directory.UserPatch{DisplayName: ptrTo(name + " Jr")})
	check(err)
	_, err = svc.ExportMyData(person)
	check(err)

	secrets := []string{name, mail, upn, strings.ToLower(name), strings.ToLower(mail), strings.ToLower(upn),
		strings.ToUpper(mail), "Vortigern4471", "vortigern4471", "Xanthippe", "xanthippe"}
	if !containsAny(t, path, secrets) {
		t.Fatal("setup: the guest's data is not in the files, so the scan below would prove nothing")
	}

	clock.Advance(time.Hour)
	check(svc.Leave(person, tn.ID))
	clock.Advance(24 * time.Hour)
	check(svc.PermanentlyDeleteUser(adminCtx, tn.ID, guest.ID))
	// The store checkpoints by itself within about a second; at once here.
	check(st.Checkpoint(context.Background()))

	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		check(err)
		for _, s := range secrets {
			if i := bytes.Index(b, []byte(s)); i >= 0 {
				t.Errorf("%s still holds %q at byte %d after permanent delete", filepath.Base(f), s, i)
			}
		}
	}
	// The admin and the audit log are still there, naming the guest by id.
	events, err := svc.ListAudit(adminCtx, tn.ID, directory.AuditQuery{TargetID: guest.ID})
	check(err)
	if len(events) == 0 || events[0].Activity != directory.ActivityHardDeleteUser {
		t.Errorf("audit after permanent delete = %+v", events)
	}
}

// containsAny reports whether the database file or its WAL holds any of s.
func containsAny(t *testing.T, path string, s []string) bool {
	t.Helper()
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, x := range s {
			if bytes.Contains(b, []byte(x)) {
				return true
			}
		}
	}
	return false
}

func ptrTo[T any](v T) *T { return &v }

// TestThrottleCountsAcrossTwoStoresOnOneFile: two stores on one database
// file, as an admin command and the server, or two processes, share the
// sign-in throttle's counters.
func TestThrottleCountsAcrossTwoStoresOnOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "orgdir.db")
	ruletest.ThrottleAcrossStores(t, openAt(t, path), openAt(t, path))
}

// TestThrottleStoresNoNameOrAddress: the counters of failed sign-ins hold
// digests, not the user name tried nor the client address.
func TestThrottleStoresNoNameOrAddress(t *testing.T) {
	path := filepath.Join(t.TempDir(), "orgdir.db")
	st := openAt(t, path)
	svc := directory.NewService(st, directory.Options{Clock: directory.NewFixedClock(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)).Now,
		PasswordHasher: cheapHasher{}})
	const upn, addr = "Quintessa.Unlikelyname@nowhere-at-all.example", "203.0.113.219"
	for range directory.SignInFreeFailures {
		_, _ = svc.SignInWithPassword(context.Background(), upn, "guess", addr)
	}
	if err := st.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	if containsAny(t, path, []string{upn, strings.ToLower(upn), "Unlikelyname", "unlikelyname", addr}) {
		t.Fatal("the database holds the user name or the address of a failed sign-in")
	}
	// And the counters are there: the scan above looked at them.
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sign_in_throttle WHERE length(key_hash) = 64 AND failures = ?`, directory.SignInFreeFailures).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d counters of every failure (%v), want 2: the account from the address, and the address", n, err)
	}
}

func openAt(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// cheapHasher checks nothing: every password is wrong.
type cheapHasher struct{}

func (cheapHasher) Hash(p string) (string, error)       { return "x" + p, nil }
func (cheapHasher) Verify(hash, p string) (bool, error) { return false, nil }
