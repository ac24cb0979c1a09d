package oidcprovider_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
)

// TestRevocationMatrix: every event that ends a user's access ends it at
// once for refresh, introspection and userinfo, for tokens already issued
// (issue 10, item 6).
func TestRevocationMatrix(t *testing.T) {
	off := false
	events := []struct {
		name string
		do   func(w *world) error
	}{
		{"Leave", func(w *world) error { return w.svc.Leave(w.as(w.d.Ada), w.d.Contoso.ID) }},
		{"Delete", func(w *world) error {
			return w.svc.DeleteUser(w.as(w.d.ContosoAdmin), w.d.Contoso.ID, w.d.AdaGuest.ID)
		}},
		{"PermanentDelete", func(w *world) error {
			if err := w.svc.DeleteUser(w.as(w.d.ContosoAdmin), w.d.Contoso.ID, w.d.AdaGuest.ID); err != nil {
				return err
			}
			return w.svc.PermanentlyDeleteUser(w.as(w.d.ContosoAdmin), w.d.Contoso.ID, w.d.AdaGuest.ID)
		}},
		{"Purge", func(w *world) error {
			if err := w.svc.Leave(w.as(w.d.Ada), w.d.Contoso.ID); err != nil {
				return err
			}
			w.clock.Advance(31 * 24 * time.Hour)
			// (31 days on, the access token has expired anyway: here only
			// the refresh says something.)
			n, err := w.svc.PurgeExpired(directory.WithActor(context.Background(), directory.SystemActor("orgdir purge")), w.clock.Now(), 100)
			if err == nil && n != 1 {
				err = fmt.Errorf("purged %d users, want 1", n)
			}
			return err
		}},
		{"DisableInTenant", func(w *world) error {
			_, err := w.svc.UpdateUser(w.as(w.d.ContosoAdmin), w.d.Contoso.ID, w.d.AdaGuest.ID, directory.UserPatch{AccountEnabled: &off})
			return err
		}},
		{"DisableAtHome", func(w *world) error {
			_, err := w.svc.UpdateUser(w.as(w.d.FabrikamAdmin), w.d.Fabrikam.ID, w.d.Ada.ID, directory.UserPatch{AccountEnabled: &off})
			return err
		}},
		{"PasswordResetAtHome", func(w *world) error {
			return w.svc.SetPassword(w.as(w.d.FabrikamAdmin), w.d.Fabrikam.ID, w.d.Ada.ID, "A-new-password-2026!")
		}},
		{"RevokeSignInSessions", func(w *world) error {
			return w.svc.RevokeSignInSessions(w.as(w.d.ContosoAdmin), w.d.Contoso.ID, w.d.AdaGuest.ID)
		}},
		{"AssignmentRemovedWhereRequired", func(w *world) error {
			req := true
			if _, err := w.svc.UpdateApplication(w.as(w.d.ContosoAdmin), w.d.Contoso.ID, w.d.App.ID, directory.ApplicationPatch{AppRoleAssignmentRequired: &req}); err != nil {
				return err
			}
			return w.svc.RemoveAppRoleAssignment(w.as(w.d.ContosoAdmin), w.d.Contoso.ID, w.d.AdaGuest.ID, w.d.Assignment.ID)
		}},
	}
	for _, ev := range events {
		t.Run(ev.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, w *world) {
				r := w.webRP()
				s := r.codeFlow(w, w.browser(), demo.AdaUPN, demo.AdaPassword)
				w.clock.Advance(time.Second)
				if err := ev.do(w); err != nil {
					t.Fatalf("%s: %v", ev.name, err)
				}
				if _, err := r.refresh(w, s.tok.RefreshToken); err == nil {
					t.Error("refresh still works")
				} else {
					wantRetrieveError(t, err, "invalid_grant", "")
				}
				if got := w.introspect(s.tok.AccessToken); got["active"] != false {
					t.Errorf("introspection: %v", got)
				}
				if got := w.userinfoStatus(s.tok.AccessToken); got != http.StatusUnauthorized {
					t.Errorf("userinfo: %d, want 401", got)
				}
			})
		})
	}
}
