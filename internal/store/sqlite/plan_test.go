package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// TestEveryListingUsesAnIndex runs each listing and lookup of the store,
// catches the SQL it sends, and asks SQLite for the plan: none may scan a
// whole table or sort a whole tenant's rows, so that they stay fast at
// 100,000 users.
func TestEveryListingUsesAnIndex(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	type stmt struct {
		sql  string
		args []any
	}
	var seen []stmt
	s, err := open(ctx, filepath.Join(t.TempDir(), "plan.db"), Options{}, func(q string, args []any) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, stmt{q, args})
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tn := &directory.Tenant{ID: directory.NewID(), DisplayName: "Contoso", InitialDomain: "contoso.example", CreatedAt: now, Settings: directory.DefaultTenantSettings()}
	purge := now.Add(time.Hour)
	u := &directory.User{ID: directory.NewID(), TenantID: tn.ID, UserPrincipalName: "a@contoso.example", Mail: "a@contoso.example",
		DisplayName: "A", UserType: directory.Member, CreatedAt: now, DeletedAt: &now, PurgeAt: &purge}
	g := &directory.Group{ID: directory.NewID(), TenantID: tn.ID, DisplayName: "G", CreatedAt: now}
	if err := s.Write(ctx, func(tx directory.Tx) error {
		if err := tx.CreateTenant(ctx, tn); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.CreateGroup(ctx, g); err != nil {
			return err
		}
		// Records naming u with values to scrub, more than a batch of
		// them, so that the batched rewrites of ScrubAuditSubject are
		// explained, full and not.
		for range 150 {
			if err := tx.AppendAudit(ctx, &directory.AuditEvent{ID: directory.NewID(), TenantID: tn.ID, Time: now,
				Activity: directory.ActivityUpdateUser, Category: directory.CategoryUserManagement, Result: directory.ResultSuccess,
				AdditionalDetails: []directory.KeyValue{{Key: "k", Value: "v"}},
				Targets: []directory.AuditTarget{{ID: u.ID, Type: "User", DisplayName: "A",
					ModifiedProperties: []directory.ModifiedProperty{{DisplayName: "mail", NewValue: `["a@contoso.example"]`}}}}}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	// Each case runs one operation; its statements are explained.
	cases := map[string]func(tx directory.Tx) error{}
	for _, deleted := range []bool{false, true} {
		for _, order := range []string{directory.OrderByID, directory.OrderByDisplayName, directory.OrderByDeletedDateTime} {
			for _, desc := range []bool{false, true} {
				q := directory.UserQuery{Deleted: deleted, OrderBy: order, Desc: desc, After: u}
				cases[fmt.Sprintf("ListUsers deleted=%v order=%q desc=%v", deleted, order, desc)] = func(tx directory.Tx) error {
					_, err := tx.ListUsers(ctx, tn.ID, q)
					return err
				}
			}
		}
	}
	cases["GetUserByUPN"] = func(tx directory.Tx) error { _, err := tx.GetUserByUPN(ctx, tn.ID, "x"); return ignoreNotFound(err) }
	cases["GetUserByMail"] = func(tx directory.Tx) error { _, err := tx.GetUserByMail(ctx, tn.ID, "x"); return ignoreNotFound(err) }
	cases["ListUsersByHome user"] = func(tx directory.Tx) error { _, err := tx.ListUsersByHome(ctx, u.ID, ""); return err }
	cases["ListUsersByHome identity"] = func(tx directory.Tx) error { _, err := tx.ListUsersByHome(ctx, "", u.ID); return err }
	cases["ClaimPurgeable"] = func(tx directory.Tx) error { _, err := tx.ClaimPurgeable(ctx, now, 10); return err }
	cases["ListGroups"] = func(tx directory.Tx) error {
		_, err := tx.ListGroups(ctx, tn.ID, directory.GroupQuery{After: g})
		return err
	}
	cases["ListGroupMembers"] = func(tx directory.Tx) error {
		_, err := tx.ListGroupMembers(ctx, tn.ID, g.ID, directory.Page{AfterID: u.ID})
		return err
	}
	cases["ListMemberOf"] = func(tx directory.Tx) error { _, err := tx.ListMemberOf(ctx, tn.ID, u.ID); return err }
	cases["ListAppRoleAssignments"] = func(tx directory.Tx) error { _, err := tx.ListAppRoleAssignments(ctx, tn.ID, u.ID); return err }
	cases["ListRoles"] = func(tx directory.Tx) error { _, err := tx.ListRoles(ctx, tn.ID, u.ID); return err }
	cases["ListGroupAppRoleAssignments"] = func(tx directory.Tx) error {
		_, err := tx.ListGroupAppRoleAssignments(ctx, tn.ID, g.ID)
		return err
	}
	cases["ListAPIPermissionGrants"] = func(tx directory.Tx) error { _, err := tx.ListAPIPermissionGrants(ctx, tn.ID, u.ID); return err }
	cases["GetAppRoleAssignment"] = func(tx directory.Tx) error {
		_, err := tx.GetAppRoleAssignment(ctx, tn.ID, u.ID)
		return ignoreNotFound(err)
	}
	cases["ListInvitationsByUser"] = func(tx directory.Tx) error { _, err := tx.ListInvitationsByUser(ctx, tn.ID, u.ID); return err }
	cases["GetInvitationByTokenHash"] = func(tx directory.Tx) error {
		_, err := tx.GetInvitationByTokenHash(ctx, []byte("x"))
		return ignoreNotFound(err)
	}
	cases["ListAudit"] = func(tx directory.Tx) error {
		_, err := tx.ListAudit(ctx, tn.ID, directory.AuditQuery{After: &directory.AuditEvent{ID: "x", Time: now}})
		return err
	}
	cases["ListAudit by target"] = func(tx directory.Tx) error {
		_, err := tx.ListAudit(ctx, tn.ID, directory.AuditQuery{TargetID: u.ID})
		return err
	}
	cases["ListOutbox"] = func(tx directory.Tx) error { _, err := tx.ListOutbox(ctx, tn.ID, directory.Page{}); return err }
	cases["ListOutbox after"] = func(tx directory.Tx) error {
		_, err := tx.ListOutbox(ctx, tn.ID, directory.Page{AfterID: u.ID})
		return err
	}
	cases["ListMailTo"] = func(tx directory.Tx) error { _, err := tx.ListMailTo(ctx, tn.ID, "x@example.test"); return err }
	cases["ListAccessTokens"] = func(tx directory.Tx) error { _, err := tx.ListAccessTokens(ctx, tn.ID, u.ID); return err }
	cases["ListSessions home"] = func(tx directory.Tx) error { _, err := tx.ListSessions(ctx, tn.ID, u.ID, ""); return err }
	cases["ListSessions identity"] = func(tx directory.Tx) error { _, err := tx.ListSessions(ctx, "", "", u.ID); return err }
	cases["ListUnsentMail"] = func(tx directory.Tx) error { _, err := tx.ListUnsentMail(ctx, 10); return err }
	cases["GetLatestOneTimeCode"] = func(tx directory.Tx) error {
		_, err := tx.GetLatestOneTimeCode(ctx, "x@example.test")
		return ignoreNotFound(err)
	}
	cases["GetSessionByHash"] = func(tx directory.Tx) error {
		_, err := tx.GetSessionByHash(ctx, []byte("x"))
		return ignoreNotFound(err)
	}
	cases["GetAccessTokenByHash"] = func(tx directory.Tx) error {
		_, err := tx.GetAccessTokenByHash(ctx, []byte("x"))
		return ignoreNotFound(err)
	}
	// Writes: explained, then rolled back.
	writes := map[string]func(tx directory.Tx) error{
		"DeleteUser":        func(tx directory.Tx) error { return tx.DeleteUser(ctx, tn.ID, u.ID) },
		"ScrubAuditSubject": func(tx directory.Tx) error { return tx.ScrubAuditSubject(ctx, u.ID) },
		"DeleteMailTo":      func(tx directory.Tx) error { return tx.DeleteMailTo(ctx, tn.ID, "x@example.test") },
		"ClaimMail": func(tx directory.Tx) error {
			_, err := tx.ClaimMail(ctx, now, directory.MailClaim{Limit: 1, Lease: time.Minute, MaxAttempts: 8})
			return err
		},
		"FinishMailAttempt": func(tx directory.Tx) error {
			return ignoreNotFound(tx.FinishMailAttempt(ctx, u.ID, 1, now, directory.MailOutcome{State: directory.MailSent}))
		},
		"DeleteEmailIdentity": func(tx directory.Tx) error { return ignoreNotFound(tx.DeleteEmailIdentity(ctx, u.ID)) },
		"EraseUsers": func(tx directory.Tx) error {
			return tx.EraseUsers(ctx, []directory.UserKey{{TenantID: tn.ID, UserID: u.ID}})
		},
		"ScrubAuditSubjects": func(tx directory.Tx) error { return tx.ScrubAuditSubjects(ctx, []string{u.ID, g.ID}) },
		"DeleteUnclaimedMail": func(tx directory.Tx) error {
			return tx.DeleteUnclaimedMail(ctx, []directory.MailAddress{{TenantID: tn.ID, Address: u.Mail}, {TenantID: tn.ID, Address: "x@example.test"}})
		},
		"DeleteUnboundEmailIdentities": func(tx directory.Tx) error {
			return tx.DeleteUnboundEmailIdentities(ctx, []string{u.ID, g.ID})
		},
		"CountOneTimeCodes": func(tx directory.Tx) error { _, err := tx.CountOneTimeCodesSince(ctx, "x", now); return err },
		"GetEmailIdentityByEm": func(tx directory.Tx) error {
			_, err := tx.GetEmailIdentityByEmail(ctx, "x")
			return ignoreNotFound(err)
		},
	}

	// "SCAN t" reads a whole table or index; a temporary b-tree for ORDER
	// BY sorts every matching row before the first page. Lists of one
	// user's or one address's objects may sort: there are few of them.
	bad := regexp.MustCompile(`^SCAN |USE TEMP B-TREE FOR (ORDER BY|RIGHT PART OF ORDER BY|LAST TERM OF ORDER BY)`)
	smallSorts := map[string]bool{
		"ListMemberOf": true, "ListAppRoleAssignments": true, "ListInvitationsByUser": true,
		"ListGroupAppRoleAssignments": true, "ListAPIPermissionGrants": true,
		"GetLatestOneTimeCode": true, "ListAudit by target": true, "ListUsersByHome user": true, "ListUsersByHome identity": true,
		"ListMailTo": true, "ListAccessTokens": true, "ListSessions home": true, "ListSessions identity": true,
		"DeleteUnboundEmailIdentities": true,
	}
	// ListUnsentMail reads its partial index (unsent mail only) in order.
	allowedScans := map[string]bool{"SCAN outbox USING INDEX outbox_unsent": true}
	// A batched update reads its own VALUES list (the CTE v), then finds
	// each row it names by primary key.
	valuesScan := regexp.MustCompile(`^SCAN (CONSTANT ROW|\d+ CONSTANT ROWS|\d+-ROW VALUES CLAUSE|v)$`)
	// Lists of one user's objects must start from that user.
	perUser := map[string]string{
		"ListMemberOf": "user_id=?", "ListAppRoleAssignments": "principal_id=?", "ListRoles": "user_id=?",
		"ListGroupAppRoleAssignments": "group_id=?", "ListAPIPermissionGrants": "app_id=?",
		"ListInvitationsByUser": "user_id=?", "ListUsersByHome user": "home_user_id=?",
		"ListUsersByHome identity": "home_email_identity_id=?",
		"ListMailTo":               "outbox_by_address", "ListAccessTokens": "user_id=?", "ListSessions home": "home_user_id=?",
		"ListSessions identity": "email_identity_id=?",
	}
	// A keyset page must seek to where the last one ended.
	seeks := regexp.MustCompile(`^SEARCH \w+ USING (COVERING )?INDEX \w+ \(.*[<>]`)
	explain := func(name string, run func(tx directory.Tx) error, write bool) {
		mu.Lock()
		seen = nil
		mu.Unlock()
		var err error
		if write {
			err = s.Write(ctx, func(tx directory.Tx) error {
				if err := run(tx); err != nil {
					return err
				}
				return errRollback
			})
			if err == errRollback {
				err = nil
			}
		} else {
			err = s.Read(ctx, run)
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		mu.Lock()
		stmts := seen
		mu.Unlock()
		for _, st := range stmts {
			plan, err := s.plan(ctx, st.sql, st.args)
			if err != nil {
				t.Fatalf("%s: explain %s: %v", name, st.sql, err)
			}
			for _, line := range plan {
				if bad.MatchString(line) && !allowedScans[line] && !valuesScan.MatchString(line) && !(smallSorts[name] && strings.HasPrefix(line, "USE TEMP B-TREE")) {
					t.Errorf("%s: %q\n  query: %s\n  plan: %s", name, line, oneLine(st.sql), strings.Join(plan, " | "))
				}
			}
			if key, ok := perUser[name]; ok && strings.HasPrefix(st.sql, "SELECT") && !strings.Contains(plan[0], key) {
				t.Errorf("%s: does not look up by %s first\n  query: %s\n  plan: %s", name, key, oneLine(st.sql), strings.Join(plan, " | "))
			}
			if strings.Contains(st.sql, "LIMIT") && (strings.HasPrefix(name, "ListUsers ") || name == "ListGroups" || name == "ListAudit" ||
				name == "ListGroupMembers") && !seeks.MatchString(plan[0]) {
				t.Errorf("%s: the page does not seek to its keyset\n  query: %s\n  plan: %s", name, oneLine(st.sql), strings.Join(plan, " | "))
			}
			if testing.Verbose() {
				t.Logf("%s: %s\n    %s", name, oneLine(st.sql), strings.Join(plan, " | "))
			}
		}
	}
	for name, run := range cases {
		explain(name, run, false)
	}
	for name, run := range writes {
		explain(name, run, true)
	}
}

var errRollback = fmt.Errorf("rollback")

func ignoreNotFound(err error) error {
	if directory.IsKind(err, directory.KindNotFound) {
		return nil
	}
	return err
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// plan returns the details of EXPLAIN QUERY PLAN of query.
func (s *Store) plan(ctx context.Context, query string, args []any) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return nil, err
		}
		out = append(out, detail)
	}
	return out, rows.Err()
}
