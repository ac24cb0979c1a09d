package ruletest

import (
	"context"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

func testAudit(t *testing.T, ns NewStore) {
	t.Run("RecordsWhoWhatWhenAndCorrelation", func(t *testing.T) {
		w := newWorld(t, ns)
		w.clock.Advance(time.Minute) // the newest event, not one of the same instant
		ctx := directory.WithCorrelationID(w.as(w.contosoAdmin), "req-42")
		ok(t, w.svc.DeleteUser(ctx, w.contoso.ID, w.adaGuest.ID))
		ev := w.events(w.contoso.ID, directory.ActivityDeleteUser, w.adaGuest.ID)
		if len(ev) != 1 {
			t.Fatalf("delete audit = %+v", ev)
		}
		e := ev[0]
		if e.CorrelationID != "req-42" || !e.Time.Equal(w.clock.Now()) || e.Result != directory.ResultSuccess ||
			e.Category != directory.CategoryUserManagement || e.OperationType == "" || e.TenantID != w.contoso.ID ||
			e.Initiator.UserID != w.contosoAdmin.ID || e.Initiator.UPN != w.contosoAdmin.UserPrincipalName ||
			e.Targets[0].UPN != w.adaGuest.UserPrincipalName || !directory.ValidID(e.ID) {
			t.Errorf("event = %+v", e)
		}
		got := must(w.svc.GetAudit(w.as(w.contosoAdmin), w.contoso.ID, e.ID))(t)
		if got.ID != e.ID {
			t.Error("GetAudit returned another event")
		}
		page := must(w.svc.ListAudit(w.as(w.contosoAdmin), w.contoso.ID, directory.AuditQuery{TargetID: w.adaGuest.ID, Limit: 2}))(t)
		if len(page) != 2 || page[0].ID != e.ID {
			t.Errorf("newest event for Ada = %+v, want the deletion first", page)
		}
	})

	t.Run("OneOperationOneCorrelationID", func(t *testing.T) {
		w := newWorld(t, ns)
		res := w.invite(w.contoso, "new@elsewhere.example")
		add := w.events(w.contoso.ID, directory.ActivityAddUser, res.User.ID)
		inv := w.events(w.contoso.ID, directory.ActivityInviteExternalUser, res.User.ID)
		if len(add) != 1 || len(inv) != 1 || add[0].CorrelationID == "" || add[0].CorrelationID != inv[0].CorrelationID {
			t.Errorf("an invitation's records do not share one correlation id: %+v / %+v", add, inv)
		}
	})

	t.Run("SystemInitiatorIsAnApp", func(t *testing.T) {
		w := newWorld(t, ns)
		e := w.events(w.contoso.ID, directory.ActivityAddUser, w.contosoAdmin.ID)
		if len(e) != 1 || e[0].Initiator.AppName != "ruletest" || e[0].Initiator.UserID != "" {
			t.Errorf("initiator = %+v", e)
		}
	})

	t.Run("ChangeWithoutAuditDoesNotHappen", func(t *testing.T) {
		w := newWorld(t, ns)
		svc := directory.NewService(auditFailingStore{w.store}, directory.Options{Clock: w.clock.Now, PublicBaseURL: baseURL, PasswordHasher: plainHasher{}})
		admin := w.as(w.contosoAdmin)
		w.unchanged(func() {
			for name, err := range map[string]error{
				"Leave":        svc.Leave(w.as(w.ada), w.contoso.ID),
				"DeleteUser":   svc.DeleteUser(admin, w.contoso.ID, w.adaGuest.ID),
				"RemoveMember": svc.RemoveGroupMember(admin, w.contoso.ID, w.team.ID, w.adaGuest.ID),
				"Invite": func() error {
					_, err := svc.Invite(admin, w.contoso.ID, directory.InviteRequest{InvitedUserEmailAddress: "x@elsewhere.example", SendInvitationMessage: true})
					return err
				}(),
				"CreateUser": func() error {
					_, err := svc.CreateUser(admin, w.contoso.ID, directory.NewUser{UserPrincipalName: "x@contoso.example", DisplayName: "X"})
					return err
				}(),
			} {
				if err == nil {
					t.Errorf("%s succeeded without its audit record", name)
				}
			}
		})
	})

	t.Run("OnlyAdministratorsRead", func(t *testing.T) {
		w := newWorld(t, ns)
		_, err := w.svc.ListAudit(w.as(w.adaGuest), w.contoso.ID, directory.AuditQuery{})
		wantKind(t, err, directory.KindForbidden)
		_, err = w.svc.ListAudit(context.Background(), w.contoso.ID, directory.AuditQuery{})
		wantKind(t, err, directory.KindUnauthenticated)
	})
}

func testExport(t *testing.T, ns NewStore) {
	t.Run("MyDataAcrossTenants", func(t *testing.T) {
		w := newWorld(t, ns)
		d := must(w.svc.ExportMyData(w.as(w.ada)))(t)
		if len(d.Memberships) != 2 || !d.Memberships[0].Home || d.Memberships[0].User.ID != w.ada.ID {
			t.Fatalf("export = %+v", d.Memberships)
		}
		c := d.Memberships[1]
		if c.Tenant.ID != w.contoso.ID || c.User.ID != w.adaGuest.ID || len(c.Groups) != 1 || len(c.AppRoleAssignments) != 1 ||
			len(c.Invitations) != 1 || len(c.AuditEvents) == 0 || len(c.Invitations[0].TokenHash) != 0 {
			t.Errorf("Contoso part = %+v", c)
		}
		if d.ExportedAt == "" {
			t.Error("no export time")
		}
	})

	t.Run("IncludesPendingInvitationsToMyMail", func(t *testing.T) {
		w := newWorld(t, ns)
		res := w.invite(w.fabrikam, "grace@mail.example")
		e := must(w.svc.EnsureEmailIdentity(w.sys, "grace@mail.example"))(t)
		d := must(w.svc.ExportMyData(w.asEmail(e)))(t)
		if len(d.Memberships) != 1 || d.Memberships[0].User.ID != res.User.ID || len(d.Memberships[0].Invitations) != 1 {
			t.Errorf("export = %+v, want the pending invitation in Fabrikam", d.Memberships)
		}
	})

	t.Run("EmailPersonData", func(t *testing.T) {
		w := newWorld(t, ns)
		g, e := w.emailGuest(w.contoso, "grace@mail.example")
		d := must(w.svc.ExportMyData(w.asEmail(e)))(t)
		if d.EmailIdentity == nil || d.EmailIdentity.ID != e.ID || len(d.Memberships) != 1 || d.Memberships[0].User.ID != g.ID || d.Memberships[0].Home {
			t.Errorf("export = %+v", d)
		}
	})

	t.Run("IncludesDeletedGuests", func(t *testing.T) {
		w := newWorld(t, ns)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		d := must(w.svc.ExportMyData(w.as(w.ada)))(t)
		if len(d.Memberships) != 2 || !d.Memberships[1].User.Deleted() {
			t.Errorf("export after leave = %+v", d.Memberships)
		}
	})

	t.Run("AdminExportIsAudited", func(t *testing.T) {
		w := newWorld(t, ns)
		d := must(w.svc.ExportUserData(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID))(t)
		if len(d.Memberships) != 1 || d.Memberships[0].User.ID != w.adaGuest.ID {
			t.Errorf("export = %+v", d)
		}
		if len(w.events(w.contoso.ID, directory.ActivityExportPersonalData, w.adaGuest.ID)) != 1 {
			t.Error("export not audited")
		}
		_, err := w.svc.ExportUserData(w.as(w.adaGuest), w.contoso.ID, w.contosoAdmin.ID)
		wantKind(t, err, directory.KindNotFound)
	})

	testExportByProvenAddress(t, ns)
}
