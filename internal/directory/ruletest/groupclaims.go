package ruletest

import (
	"context"
	"slices"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// testGroupClaims pins roles through a group and the groups claim: a
// group's app role is its members' in their tokens, groups (object ids)
// only for an app whose groupMembershipClaims is set, and a membership or
// a group assignment removed shows in the next token.
func testGroupClaims(t *testing.T, ns NewStore) {
	ctx := context.Background()
	writer := func(w *oauthWorld) directory.AppRole { return w.app.AppRoles[1] }

	t.Run("RolesThroughAGroupAndTheGroupsClaim", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		asg := must(w.svc.AssignAppRoleTo(admin, w.contoso.ID, w.app.ID, w.team.ID, writer(w).ID))(t)
		if asg.PrincipalType != directory.PrincipalGroup || asg.PrincipalID != w.team.ID {
			t.Fatalf("assignment %+v", asg)
		}
		issue := w.tokens()
		if want := []string{"Notebook.Read", "Notebook.Write"}; !slices.Equal(issue.SignIn.Roles, want) {
			t.Errorf("roles %v, want %v (direct and through Research)", issue.SignIn.Roles, want)
		}
		if len(issue.SignIn.Groups) != 0 {
			t.Errorf("groups %v for an app that does not ask for them", issue.SignIn.Groups)
		}
		claims := directory.GroupClaimsSecurityGroup
		must(w.svc.UpdateApplication(admin, w.contoso.ID, w.app.ID, directory.ApplicationPatch{GroupMembershipClaims: &claims}))(t)
		issue = must(w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, issue.RefreshToken))(t)
		if !slices.Equal(issue.SignIn.Groups, []string{w.team.ID}) {
			t.Errorf("groups %v, want [%s]", issue.SignIn.Groups, w.team.ID)
		}
		// Leaving the group shows in the next token: no group role, no group.
		ok(t, w.svc.RemoveGroupMember(admin, w.contoso.ID, w.team.ID, w.adaGuest.ID))
		issue = must(w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, issue.RefreshToken))(t)
		if !slices.Equal(issue.SignIn.Roles, []string{"Notebook.Read"}) || len(issue.SignIn.Groups) != 0 {
			t.Errorf("after leaving Research: roles %v groups %v", issue.SignIn.Roles, issue.SignIn.Groups)
		}
		// Back in the group, then the group's assignment removed.
		ok(t, w.svc.AddGroupMember(admin, w.contoso.ID, w.team.ID, w.adaGuest.ID))
		issue = must(w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, issue.RefreshToken))(t)
		if !slices.Contains(issue.SignIn.Roles, "Notebook.Write") {
			t.Errorf("back in Research: roles %v", issue.SignIn.Roles)
		}
		ok(t, w.svc.RemoveAppRoleAssignedTo(admin, w.contoso.ID, w.app.ID, asg.ID))
		issue = must(w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, issue.RefreshToken))(t)
		if !slices.Equal(issue.SignIn.Roles, []string{"Notebook.Read"}) {
			t.Errorf("after the group's assignment was removed: roles %v", issue.SignIn.Roles)
		}
		bad := "DirectoryRole"
		_, err := w.svc.UpdateApplication(admin, w.contoso.ID, w.app.ID, directory.ApplicationPatch{GroupMembershipClaims: &bad})
		wantKind(t, err, directory.KindInvalid)
	})

	t.Run("AGroupAssignmentLetsMembersInWhereAssignmentIsRequired", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		ok(t, w.svc.RemoveAppRoleAssignment(admin, w.contoso.ID, w.adaGuest.ID, w.grant.ID))
		required := true
		must(w.svc.UpdateApplication(admin, w.contoso.ID, w.app.ID, directory.ApplicationPatch{AppRoleAssignmentRequired: &required}))(t)
		_, err := w.svc.AuthorizeAppSignIn(ctx, w.sess, w.contoso.ID, w.app.ID)
		wantKind(t, err, directory.KindAppSignInRefused)
		must(w.svc.AssignAppRoleTo(admin, w.contoso.ID, w.app.ID, w.team.ID, w.app.AppRoles[0].ID))(t)
		issue := w.tokens()
		ok(t, w.svc.RemoveGroupMember(admin, w.contoso.ID, w.team.ID, w.adaGuest.ID))
		_, err = w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, issue.RefreshToken)
		wantInvalidGrant(t, err)
	})

	t.Run("WhoMayAssignARoleToAGroup", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		_, err := w.svc.AssignAppRoleTo(w.as(w.adaGuest), w.contoso.ID, w.app.ID, w.team.ID, writer(w).ID)
		if e := directory.AsError(err); err == nil || e.Kind != directory.KindForbidden && e.Kind != directory.KindNotFound {
			t.Errorf("a guest assigns a group: %v", err)
		}
		// The same answer for a principal that does not exist: a guest
		// learns nothing of what the id is.
		_, err2 := w.svc.AssignAppRoleTo(w.as(w.adaGuest), w.contoso.ID, w.app.ID, directory.NewID(), writer(w).ID)
		if directory.AsError(err).Kind != directory.AsError(err2).Kind || directory.AsError(err).Message != directory.AsError(err2).Message {
			t.Errorf("a guest: %v for a group, %v for nothing", err, err2)
		}
		_, err = w.svc.AssignAppRoleTo(w.as(w.fabrikamAdmin), w.contoso.ID, w.app.ID, w.team.ID, writer(w).ID)
		wantKind(t, err, directory.KindNotFound)
		_, err = w.svc.AssignAppRoleTo(w.as(w.fabrikamAdmin), w.fabrikam.ID, w.app.ID, w.team.ID, writer(w).ID)
		wantKind(t, err, directory.KindNotFound)
		admin := w.as(w.contosoAdmin)
		_, err = w.svc.AssignAppRoleTo(admin, w.contoso.ID, w.app.ID, w.team.ID, directory.NewID())
		wantKind(t, err, directory.KindInvalid)
		asg := must(w.svc.AssignAppRoleTo(admin, w.contoso.ID, w.app.ID, w.team.ID, writer(w).ID))(t)
		_, err = w.svc.AssignAppRoleTo(admin, w.contoso.ID, w.app.ID, w.team.ID, writer(w).ID)
		wantKind(t, err, directory.KindConflict)
		// Removing it names the resource it belongs to.
		wantKind(t, w.svc.RemoveAppRoleAssignedTo(admin, w.contoso.ID, directory.OrgdirAPIAppID, asg.ID), directory.KindNotFound)
		wantKind(t, w.svc.RemoveAppRoleAssignedTo(w.as(w.fabrikamAdmin), w.contoso.ID, w.app.ID, asg.ID), directory.KindNotFound)
		ok(t, w.svc.RemoveAppRoleAssignedTo(admin, w.contoso.ID, w.app.ID, asg.ID))
		page := must(w.svc.ListAudit(admin, w.contoso.ID, directory.AuditQuery{TargetID: w.team.ID}))(t)
		var acts []string
		for _, e := range page {
			acts = append(acts, e.Activity)
		}
		if !slices.Contains(acts, directory.ActivityAddAppRoleToGroup) || !slices.Contains(acts, directory.ActivityRemoveAppRoleFromGroup) {
			t.Errorf("audit of the group: %v", acts)
		}
	})
}
