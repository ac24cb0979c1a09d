package ruletest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

func testBulk(t *testing.T, ns NewStore) {
	t.Run("CreateUsersBadRowsAmongGood", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		before := must(w.svc.CountUsers(admin, w.contoso.ID, directory.UserQuery{}))(t)
		off := false
		rows := []directory.BulkUserRow{
			{Row: 3, User: directory.NewUser{UserPrincipalName: "bk1@contoso.example", DisplayName: "Bulk One", Password: "Bulk-password-1"}},
			{Row: 4, User: directory.NewUser{UserPrincipalName: "bk2@elsewhere.example", DisplayName: "Bulk Two"}},
			{Row: 5, User: directory.NewUser{UserPrincipalName: "BK1@contoso.example", DisplayName: "Bulk One Again"}},
			{Row: 6, User: directory.NewUser{UserPrincipalName: "bk3@contoso.example", DisplayName: "Bulk Three", AccountEnabled: &off}},
			{Row: 7, User: directory.NewUser{UserPrincipalName: "bk4@contoso.example", DisplayName: "Bulk Four", Password: "x"}},
			{Row: 8, User: directory.NewUser{UserPrincipalName: "bk5@contoso.example", DisplayName: "Bulk Five", Mail: w.contosoAdmin.Mail}},
			{Row: 9, User: directory.NewUser{UserPrincipalName: "bk6@contoso.example", DisplayName: ""}},
		}
		res, err := w.svc.CreateUsers(admin, w.contoso.ID, rows, directory.BulkOptions{})
		ok(t, err)
		want := []directory.Kind{-1, directory.KindInvalid, directory.KindConflict, -1, directory.KindInvalid, directory.KindConflict, directory.KindInvalid}
		for i, r := range res {
			if r.Row != rows[i].Row || r.Key != strings.TrimSpace(rows[i].User.UserPrincipalName) {
				t.Errorf("result %d names row %d %q, want row %d", i, r.Row, r.Key, rows[i].Row)
			}
			if want[i] < 0 && (r.Err != nil || r.ID == "") || want[i] >= 0 && (directory.KindOf(r.Err) != want[i] || r.ID != "") {
				t.Errorf("row %d (%s) = %q, %v; want kind %v", r.Row, r.Key, r.ID, r.Err, want[i])
			}
		}
		// Only the good rows, whole: the user, its password, its record.
		if n := must(w.svc.CountUsers(admin, w.contoso.ID, directory.UserQuery{}))(t); n != before+2 {
			t.Fatalf("%d users after, %d before: want 2 more", n, before)
		}
		for _, i := range []int{0, 3} {
			if ev := w.events(w.contoso.ID, directory.ActivityAddUser, res[i].ID); len(ev) != 1 {
				t.Errorf("row %d: %d Add user records, want 1", res[i].Row, len(ev))
			}
		}
		if _, err := w.svc.CheckPassword(context.Background(), "bk1@contoso.example", "Bulk-password-1"); err != nil {
			t.Errorf("the bulk-created password does not sign in: %v", err)
		}
		if u := w.rawUser(w.contoso.ID, res[3].ID); u == nil || u.AccountEnabled {
			t.Errorf("row 6 asked for a blocked sign-in: %+v", u)
		}
		csv := string(directory.BulkResultCSV(res))
		if !strings.HasPrefix(csv, "row,key,result\n3,bk1@contoso.example,done\n4,bk2@elsewhere.example,") || strings.Count(csv, "\n") != 8 {
			t.Errorf("result CSV:\n%s", csv)
		}
	})

	t.Run("CreateUsersAcrossBatchesWithAJob", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		n := directory.BulkBatch*2 + 50
		bad := map[int]bool{directory.BulkBatch - 1: true, directory.BulkBatch: true, 2 * directory.BulkBatch: true}
		rows := make([]directory.BulkUserRow, n)
		for i := range rows {
			upn := fmt.Sprintf("u%04d@contoso.example", i)
			if bad[i] {
				upn = fmt.Sprintf("u%04d@nowhere.example", i)
			}
			rows[i] = directory.BulkUserRow{Row: i + 2, User: directory.NewUser{UserPrincipalName: upn, DisplayName: fmt.Sprintf("User %d", i)}}
		}
		// A row the file's reader refused counts as failed, in its place.
		refused := []directory.BulkRowResult{{Row: 1, Key: "r@contoso.example", Err: directory.Invalidf("accountEnabled", "Block sign in must be Yes or No")}}
		job := must(w.svc.StartBulkJob(admin, w.contoso.ID, directory.BulkCreateUsers, n+1))(t)
		var seen [][3]int
		res, err := w.svc.CreateUsers(admin, w.contoso.ID, rows, directory.BulkOptions{Job: job, Refused: refused,
			Progress: func(done, failed, total int) { seen = append(seen, [3]int{done, failed, total}) }})
		ok(t, err)
		if len(res) != n+1 || res[0].Row != 1 || res[0].Err == nil {
			t.Fatalf("%d results, first %+v: want the refused row first", len(res), res[0])
		}
		res = res[1:]
		wantSeen := [][3]int{{directory.BulkBatch - 1, 2, n + 1}, {2*directory.BulkBatch - 2, 3, n + 1}, {n - 3, 4, n + 1}}
		if fmt.Sprint(seen) != fmt.Sprint(wantSeen) {
			t.Errorf("progress %v, want %v", seen, wantSeen)
		}
		for i, r := range res {
			if bad[i] != (r.Err != nil) {
				t.Errorf("row %d: %v", r.Row, r.Err)
			}
		}
		got := must(w.svc.GetBulkJob(admin, w.contoso.ID, job.ID))(t)
		if got.State != directory.BulkFinished || got.Done != n-3 || got.Failed != 4 || got.FinishedAt == nil ||
			strings.Count(got.Result, "\n") != n+2 || strings.Count(got.Result, ",done\n") != n-3 ||
			!strings.HasPrefix(got.Result, "row,key,result\n1,r@contoso.example,Block sign in must be Yes or No\n") {
			t.Errorf("job %+v", got)
		}
		// Another tenant's administrator does not see it.
		_, err = w.svc.GetBulkJob(w.as(w.fabrikamAdmin), w.contoso.ID, job.ID)
		if err == nil {
			t.Error("Fabrikam's administrator read Contoso's bulk job")
		}
	})

	t.Run("JobsExpireAWeekAfterTheirLastBatch", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		job := must(w.svc.StartBulkJob(admin, w.contoso.ID, directory.BulkInviteUsers, 1))(t)
		_, err := w.svc.InviteUsers(admin, w.contoso.ID, []directory.BulkInviteRow{{Row: 2, Invite: directory.InviteRequest{InvitedUserEmailAddress: "wk@partner.example"}}}, directory.BulkOptions{Job: job})
		ok(t, err)
		wantKind(t, errOnly(w.svc.ExpireBulkJobs(admin)), directory.KindForbidden)
		w.clock.Advance(directory.BulkJobRetention - time.Minute)
		if n := must(w.svc.ExpireBulkJobs(w.sys))(t); n != 0 {
			t.Fatalf("expired %d jobs before their time", n)
		}
		w.clock.Advance(2 * time.Minute)
		if n := must(w.svc.ExpireBulkJobs(w.sys))(t); n != 1 {
			t.Fatalf("expired %d jobs, want 1", n)
		}
		_, err = w.svc.GetBulkJob(admin, w.contoso.ID, job.ID)
		wantKind(t, err, directory.KindNotFound)
	})

	t.Run("RefusedChangesNothing", func(t *testing.T) {
		w := newWorld(t, ns)
		plain := w.member(w.contoso, "plain", "Plain")
		rows := []directory.BulkUserRow{{Row: 2, User: directory.NewUser{UserPrincipalName: "nope@contoso.example", DisplayName: "Nope"}}}
		w.unchanged(func() {
			res, err := w.svc.CreateUsers(w.as(plain), w.contoso.ID, rows, directory.BulkOptions{})
			wantKind(t, err, directory.KindForbidden)
			if len(res) != 1 || !directory.IsKind(res[0].Err, directory.KindForbidden) {
				t.Errorf("results %+v", res)
			}
			_, err = w.svc.InviteUsers(w.as(plain), w.contoso.ID, []directory.BulkInviteRow{{Row: 2, Invite: directory.InviteRequest{InvitedUserEmailAddress: "x@partner.example"}}}, directory.BulkOptions{})
			wantKind(t, err, directory.KindForbidden)
			_, err = w.svc.StartBulkJob(w.as(plain), w.contoso.ID, directory.BulkCreateUsers, 1)
			wantKind(t, err, directory.KindForbidden)
		})
	})

	t.Run("InviteUsersBadRowsAmongGood", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		rows := []directory.BulkInviteRow{
			{Row: 3, Invite: directory.InviteRequest{InvitedUserEmailAddress: "x1@partner.example", InviteRedirectURL: "https://apps.example/", SendInvitationMessage: true}},
			{Row: 4, Invite: directory.InviteRequest{InvitedUserEmailAddress: "not an address"}},
			{Row: 5, Invite: directory.InviteRequest{InvitedUserEmailAddress: w.contosoAdmin.UserPrincipalName}},
			{Row: 6, Invite: directory.InviteRequest{InvitedUserEmailAddress: "x2@partner.example", InviteRedirectURL: "ftp://apps.example/"}},
			{Row: 7, Invite: directory.InviteRequest{InvitedUserEmailAddress: "x3@partner.example"}},
		}
		res, err := w.svc.InviteUsers(admin, w.contoso.ID, rows, directory.BulkOptions{})
		ok(t, err)
		want := []directory.Kind{-1, directory.KindInvalid, directory.KindConflict, directory.KindInvalid, -1}
		for i, r := range res {
			if want[i] < 0 && (r.Err != nil || r.ID == "") || want[i] >= 0 && directory.KindOf(r.Err) != want[i] {
				t.Errorf("row %d (%s) = %v, want kind %v", r.Row, r.Key, r.Err, want[i])
			}
		}
		for _, i := range []int{0, 4} {
			u := w.rawUser(w.contoso.ID, res[i].ID)
			if u == nil || u.ExternalUserState != directory.PendingAcceptance {
				t.Errorf("row %d: guest %+v", res[i].Row, u)
			}
			if ev := w.events(w.contoso.ID, directory.ActivityInviteExternalUser, res[i].ID); len(ev) != 1 {
				t.Errorf("row %d: %d Invite external user records, want 1", res[i].Row, len(ev))
			}
		}
		// Mail only where the row asked for it, in the row's transaction.
		box := must(w.svc.ListOutbox(admin, w.contoso.ID, directory.Page{}))(t)
		if len(box) != 1 || box[0].To != "x1@partner.example" {
			t.Errorf("outbox %+v", box)
		}
		if u, err := w.svc.GetUser(admin, w.contoso.ID, "x2_partner.example#EXT#@contoso.example"); err == nil {
			t.Errorf("the refused row made a guest: %+v", u)
		}
	})
}
