package ruletest

import (
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// NewStore opens a fresh, empty store for one test; it registers its own
// cleanup with t.
type NewStore func(t *testing.T) directory.Store

// Run runs every rule test against stores made by newStore.
func Run(t *testing.T, newStore func(t *testing.T) directory.Store) {
	ns := NewStore(newStore)
	t.Run("Authorization", func(t *testing.T) { testAuthorization(t, ns) })
	t.Run("AuthorizationMatrix", func(t *testing.T) { testAuthorizationMatrix(t, ns) })
	t.Run("Isolation", func(t *testing.T) { testIsolation(t, ns) })
	t.Run("GuestVisibility", func(t *testing.T) { testGuestVisibility(t, ns) })
	t.Run("Validation", func(t *testing.T) { testValidation(t, ns) })
	t.Run("BadInputEverywhere", func(t *testing.T) { testBadInputEverywhere(t, ns) })
	t.Run("Tenant", func(t *testing.T) { testTenant(t, ns) })
	t.Run("Users", func(t *testing.T) { testUsers(t, ns) })
	t.Run("Password", func(t *testing.T) { testPassword(t, ns) })
	t.Run("SignInThrottle", func(t *testing.T) { testSignInThrottle(t, ns) })
	t.Run("Passcodes", func(t *testing.T) { testPasscodes(t, ns) })
	t.Run("Invite", func(t *testing.T) { testInvite(t, ns) })
	t.Run("Redeem", func(t *testing.T) { testRedeem(t, ns) })
	t.Run("Organizations", func(t *testing.T) { testOrganizations(t, ns) })
	t.Run("Leave", func(t *testing.T) { testLeave(t, ns) })
	t.Run("Restore", func(t *testing.T) { testRestore(t, ns) })
	t.Run("RestorePreview", func(t *testing.T) { testRestorePreview(t, ns) })
	t.Run("PermanentDelete", func(t *testing.T) { testPermanentDelete(t, ns) })
	t.Run("Purge", func(t *testing.T) { testPurge(t, ns) })
	t.Run("Race", func(t *testing.T) { testRace(t, ns) })
	t.Run("GroupsAndApps", func(t *testing.T) { testGroupsAndApps(t, ns) })
	t.Run("AppClients", func(t *testing.T) { testAppClients(t, ns) })
	t.Run("MyApps", func(t *testing.T) { testMyApps(t, ns) })
	t.Run("SigningKeys", func(t *testing.T) { testSigningKeys(t, ns) })
	t.Run("AppSignIn", func(t *testing.T) { testAppSignIn(t, ns) })
	t.Run("OAuthFlows", func(t *testing.T) { testOAuthFlows(t, ns) })
	t.Run("OIDCClient", func(t *testing.T) { testOIDCClient(t, ns) })
	t.Run("AppPermissions", func(t *testing.T) { testAppPermissions(t, ns) })
	t.Run("GroupClaims", func(t *testing.T) { testGroupClaims(t, ns) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, ns) })
	t.Run("SignInLog", func(t *testing.T) { testSignInLog(t, ns) })
	t.Run("SignInActivity", func(t *testing.T) { testSignInActivity(t, ns) })
	t.Run("Export", func(t *testing.T) { testExport(t, ns) })
	t.Run("GDPR", func(t *testing.T) { testGDPR(t, ns) })
	t.Run("Credentials", func(t *testing.T) { testCredentials(t, ns) })
	t.Run("Capabilities", func(t *testing.T) { testCapabilities(t, ns) })
	t.Run("Bulk", func(t *testing.T) { testBulk(t, ns) })
	t.Run("MailDelivery", func(t *testing.T) { testMailDelivery(t, ns) })
	t.Run("ChangeLog", func(t *testing.T) { testChangeLog(t, ns) })
	t.Run("Delta", func(t *testing.T) { testDelta(t, ns) })
	t.Run("AdminSubscriptions", func(t *testing.T) { testAdminSubscriptions(t, ns) })
}
