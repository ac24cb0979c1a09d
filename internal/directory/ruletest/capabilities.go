package ruletest

import (
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// testCapabilities pins what each kind of actor may do in a tenant, as the
// admin portal asks it (it must match the operations' own checks).
func testCapabilities(t *testing.T, ns NewStore) {
	w := newWorld(t, ns)
	ua := w.member(w.contoso, "ua", "User Admin", directory.RoleUserAdministrator)
	gi := w.member(w.contoso, "gi", "Guest Inviter", directory.RoleGuestInviter)
	plain := w.member(w.contoso, "plain", "Plain Member")
	all := directory.Capabilities{Read: true, Invite: true, Manage: true, Settings: true}
	for _, c := range []struct {
		name string
		who  *directory.User
		want directory.Capabilities
	}{
		{"GlobalAdministrator", w.contosoAdmin, all},
		{"UserAdministrator", ua, directory.Capabilities{Read: true, Invite: true, Manage: true}},
		{"GuestInviter", gi, directory.Capabilities{Read: true, Invite: true}},
		{"Member", plain, directory.Capabilities{Read: true}},
		{"Guest", w.adaGuest, directory.Capabilities{}},
		{"AdminOfAnotherTenant", w.fabrikamAdmin, directory.Capabilities{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := must(w.svc.Capabilities(w.as(c.who), w.contoso.ID))(t)
			if got != c.want {
				t.Fatalf("capabilities = %+v, want %+v", got, c.want)
			}
			if got.Admin() != (c.want.Manage) {
				t.Fatalf("Admin() = %v", got.Admin())
			}
		})
	}
	t.Run("DisabledUserMayDoNothing", func(t *testing.T) {
		w.disable(ua)
		if got := must(w.svc.Capabilities(w.as(ua), w.contoso.ID))(t); got != (directory.Capabilities{}) {
			t.Fatalf("a disabled admin's capabilities = %+v, want none", got)
		}
	})
	t.Run("SystemMayDoAll", func(t *testing.T) {
		if got := must(w.svc.Capabilities(w.sys, w.contoso.ID))(t); got != all {
			t.Fatalf("the system's capabilities = %+v", got)
		}
	})
}
