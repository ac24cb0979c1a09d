package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// Run runs the conformance suite. newStore returns a fresh, empty,
// migrated store for each subtest and arranges its cleanup with t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) directory.Store) {
	groups := []struct {
		name  string
		tests map[string]func(*testing.T, *fx)
	}{
		{"Tenants", tenantTests},
		{"Users", userTests},
		{"OneLiveUserPerPersonAndTenant", bindingTests},
		{"Paging", pagingTests},
		{"Filter", filterTests},
		{"Passwords", passwordTests},
		{"EmailIdentities", emailIdentityTests},
		{"Invitations", invitationTests},
		{"Groups", groupTests},
		{"Applications", applicationTests},
		{"AppGrants", appGrantTests},
		{"Roles", roleTests},
		{"Audit", auditTests},
		{"SignInLog", signInTests},
		{"Outbox", outboxTests},
		{"MailQueue", mailQueueTests},
		{"AccessTokens", accessTokenTests},
		{"Sessions", sessionTests},
		{"OneTimeCodes", oneTimeCodeTests},
		{"SignInThrottle", throttleTests},
		{"SigningKeys", signingKeyTests},
		{"OAuthGrants", grantTests},
		{"TenantIsolation", isolationTests},
		{"DeleteUser", deleteUserTests},
		{"Purgeable", purgeTests},
		{"EraseBySet", setEraseTests},
		{"Instances", instanceTests},
		{"Transactions", txTests},
		{"BulkJobs", bulkJobTests},
		{"Savepoints", savepointTests},
		{"ChangeLog", changeLogTests},
		{"Subscriptions", subscriptionTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, name := range sortedKeys(g.tests) {
				test := g.tests[name]
				t.Run(name, func(t *testing.T) {
					test(t, &fx{t: t, s: newStore(t), ctx: context.Background()})
				})
			}
		})
	}
}

// base is the suite's "now": a fixed UTC time with whole microseconds.
var base = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fx is one subtest's store and its helpers.
type fx struct {
	t   *testing.T
	s   directory.Store
	ctx context.Context
	seq int
}

// write runs fn in a Write and fails the test on error.
func (f *fx) write(fn func(tx directory.Tx) error) {
	f.t.Helper()
	if err := f.s.Write(f.ctx, fn); err != nil {
		f.t.Fatalf("Write: %v", err)
	}
}

// read runs fn in a Read and fails the test on error.
func (f *fx) read(fn func(tx directory.Tx) error) {
	f.t.Helper()
	if err := f.s.Read(f.ctx, fn); err != nil {
		f.t.Fatalf("Read: %v", err)
	}
}

// tryWrite runs fn in a Write and returns its error.
func (f *fx) tryWrite(fn func(tx directory.Tx) error) error {
	return f.s.Write(f.ctx, fn)
}

// next returns a number unique within the subtest.
func (f *fx) next() int {
	f.seq++
	return f.seq
}

func (f *fx) tenant() *directory.Tenant {
	f.t.Helper()
	n := f.next()
	tn := &directory.Tenant{
		ID:            directory.NewID(),
		DisplayName:   fmt.Sprintf("Tenant %d", n),
		InitialDomain: fmt.Sprintf("t%d-%s.example", n, directory.NewID()[:8]),
		CreatedAt:     base,
		Settings:      directory.DefaultTenantSettings(),
	}
	f.write(func(tx directory.Tx) error { return tx.CreateTenant(f.ctx, tn) })
	return tn
}

// newUser returns an unsaved live member of tenantID with unique names.
func (f *fx) newUser(tenantID string) *directory.User {
	n := f.next()
	return &directory.User{
		ID:                directory.NewID(),
		TenantID:          tenantID,
		UserPrincipalName: fmt.Sprintf("user%d@example.test", n),
		Mail:              fmt.Sprintf("user%d@mail.test", n),
		DisplayName:       fmt.Sprintf("User %d", n),
		UserType:          directory.Member,
		AccountEnabled:    true,
		CreatedAt:         base,
	}
}

// user saves a new user of tenantID after applying mods.
func (f *fx) user(tenantID string, mods ...func(*directory.User)) *directory.User {
	f.t.Helper()
	u := f.newUser(tenantID)
	for _, m := range mods {
		m(u)
	}
	f.write(func(tx directory.Tx) error { return tx.CreateUser(f.ctx, u) })
	return u
}

// deleted marks a user soft-deleted at a time, with its purge time.
func deleted(at time.Time) func(*directory.User) {
	return func(u *directory.User) {
		purge := at.Add(30 * 24 * time.Hour)
		u.DeletedAt, u.PurgeAt = &at, &purge
	}
}

func (f *fx) group(tenantID, name string) *directory.Group {
	f.t.Helper()
	g := &directory.Group{ID: directory.NewID(), TenantID: tenantID, DisplayName: name, Description: "about " + name, CreatedAt: base}
	f.write(func(tx directory.Tx) error { return tx.CreateGroup(f.ctx, g) })
	return g
}

func (f *fx) app(tenantID string) *directory.Application {
	f.t.Helper()
	a := &directory.Application{
		ID: directory.NewID(), TenantID: tenantID, DisplayName: fmt.Sprintf("App %d", f.next()), CreatedAt: base,
		AppRoles: []directory.AppRole{{ID: directory.NewID(), DisplayName: "Reader", Value: "read", Description: "reads"}},
	}
	f.write(func(tx directory.Tx) error { return tx.CreateApplication(f.ctx, a) })
	return a
}

// wantKind fails unless err is a directory error of kind k.
func wantKind(t *testing.T, err error, k directory.Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want kind %v", k)
	}
	if got := directory.KindOf(err); got != k {
		t.Fatalf("got error %v of kind %v, want kind %v", err, got, k)
	}
}

// wantNoErr fails on err.
func wantNoErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// sameJSON fails unless got and want encode to the same JSON (times in UTC
// compare by instant this way).
func sameJSON(t *testing.T, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(g) != string(w) {
		t.Fatalf("got  %s\nwant %s", g, w)
	}
}

// userIDs lists the ids of users, in order.
func userIDs(us []*directory.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

// sameIDs fails unless got and want hold the same ids in the same order.
func sameIDs(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("got ids  %v\nwant ids %v", got, want)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}

func upper(s string) string { return strings.ToUpper(s) }

func sortStrings(s []string) { slices.Sort(s) }
