package storetest

import (
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// auditEvent returns an unsaved event of tenantID at at, naming target.
func auditEvent(tenantID string, at time.Time, activity string, target directory.AuditTarget) *directory.AuditEvent {
	return &directory.AuditEvent{
		ID: directory.NewID(), TenantID: tenantID, Time: at, Activity: activity,
		Category: directory.CategoryUserManagement, OperationType: "Update", CorrelationID: directory.NewID(),
		Initiator: directory.AuditInitiator{AppName: "orgdir CLI"},
		Result:    directory.ResultSuccess, Targets: []directory.AuditTarget{target},
		AdditionalDetails: []directory.KeyValue{{Key: "reason", Value: "test"}},
	}
}

func (f *fx) appendAudit(events ...*directory.AuditEvent) {
	f.t.Helper()
	f.write(func(tx directory.Tx) error {
		for _, e := range events {
			if err := tx.AppendAudit(f.ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

func (f *fx) listAudit(tenantID string, q directory.AuditQuery) []*directory.AuditEvent {
	f.t.Helper()
	var out []*directory.AuditEvent
	f.read(func(tx directory.Tx) error {
		var err error
		out, err = tx.ListAudit(f.ctx, tenantID, q)
		return err
	})
	return out
}

func auditIDs(es []*directory.AuditEvent) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

var auditTests = map[string]func(*testing.T, *fx){
	"AppendThenGetKeepsEveryField": func(t *testing.T, f *fx) {
		tn := f.tenant()
		e := auditEvent(tn.ID, base, directory.ActivityUpdateUser, directory.AuditTarget{
			ID: directory.NewID(), Type: "User", DisplayName: "Adele", UPN: "adele@x.example",
			ModifiedProperties: []directory.ModifiedProperty{{DisplayName: "accountEnabled", OldValue: "[true]", NewValue: "[false]"}},
		})
		e.Initiator = directory.AuditInitiator{UserID: directory.NewID(), DisplayName: "Admin", UPN: "admin@x.example"}
		e.Targets = append(e.Targets, directory.AuditTarget{ID: directory.NewID(), Type: "Group", DisplayName: "Sales"})
		e.Result, e.ResultReason = directory.ResultFailure, "because"
		f.appendAudit(e)
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetAudit(f.ctx, tn.ID, e.ID)
			wantNoErr(t, err)
			sameJSON(t, got, e)
			_, err = tx.GetAudit(f.ctx, tn.ID, directory.NewID())
			wantKind(t, err, directory.KindNotFound)
			return nil
		})
		// An application's own event keeps its appId.
		byApp := auditEvent(tn.ID, base, directory.ActivityAddUser, directory.AuditTarget{ID: directory.NewID(), Type: "User"})
		byApp.Initiator = directory.AuditInitiator{AppID: directory.NewID(), AppName: "Nightly Sync"}
		f.appendAudit(byApp)
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetAudit(f.ctx, tn.ID, byApp.ID)
			wantNoErr(t, err)
			sameJSON(t, got, byApp)
			return nil
		})
	},
	"ListIsNewestFirstAndPagesThroughTies": func(t *testing.T, f *fx) {
		tn := f.tenant()
		var want []*directory.AuditEvent
		for i := range 12 {
			want = append(want, auditEvent(tn.ID, base.Add(time.Duration(i/3)*time.Second), directory.ActivityAddUser,
				directory.AuditTarget{ID: directory.NewID(), Type: "User"}))
		}
		f.appendAudit(want...)
		var got []*directory.AuditEvent
		q := directory.AuditQuery{Limit: 5}
		for {
			page := f.listAudit(tn.ID, q)
			got = append(got, page...)
			if len(page) < q.Limit {
				break
			}
			q.After = page[len(page)-1]
		}
		if len(got) != len(want) {
			t.Fatalf("got %d events, want %d", len(got), len(want))
		}
		for i := 1; i < len(got); i++ {
			a, b := got[i-1], got[i]
			if a.Time.Before(b.Time) || (a.Time.Equal(b.Time) && a.ID < b.ID) {
				t.Fatalf("events %d and %d are not newest first", i-1, i)
			}
		}
		seen := map[string]bool{}
		for _, e := range got {
			if seen[e.ID] {
				t.Fatalf("event %s seen twice", e.ID)
			}
			seen[e.ID] = true
			if len(e.Targets) != 1 {
				t.Fatalf("event %s came with %d targets, want 1", e.ID, len(e.Targets))
			}
		}
	},
	"TargetIDSelectsEventsNamingTheObject": func(t *testing.T, f *fx) {
		tn := f.tenant()
		obj := directory.NewID()
		asTarget := auditEvent(tn.ID, base, directory.ActivityDeleteUser, directory.AuditTarget{ID: obj, Type: "User"})
		asInitiator := auditEvent(tn.ID, base.Add(time.Second), directory.ActivityAddGroup, directory.AuditTarget{ID: directory.NewID(), Type: "Group"})
		asInitiator.Initiator = directory.AuditInitiator{UserID: obj, DisplayName: "X"}
		unrelated := auditEvent(tn.ID, base, directory.ActivityAddUser, directory.AuditTarget{ID: directory.NewID(), Type: "User"})
		f.appendAudit(asTarget, asInitiator, unrelated)
		sameIDs(t, auditIDs(f.listAudit(tn.ID, directory.AuditQuery{TargetID: obj})), []string{asInitiator.ID, asTarget.ID})
	},
	"FilterOnTimeActivityCategoryAndResult": func(t *testing.T, f *fx) {
		tn := f.tenant()
		target := directory.AuditTarget{ID: directory.NewID(), Type: "User"}
		early := auditEvent(tn.ID, base, directory.ActivityAddUser, target)
		late := auditEvent(tn.ID, base.Add(time.Hour), directory.ActivityDeleteUser, target)
		failed := auditEvent(tn.ID, base.Add(2*time.Hour), directory.ActivityAddGroup, target)
		failed.Category, failed.Result = directory.CategoryGroupManagement, directory.ResultFailure
		f.appendAudit(early, late, failed)
		cases := []struct {
			name   string
			filter directory.Filter
			want   []string
		}{
			{"activityDateTime ge", op("activityDateTime", directory.OpGe, base.Add(time.Hour)), []string{failed.ID, late.ID}},
			{"activityDateTime lt in another zone", op("activityDateTime", directory.OpLt, base.Add(time.Hour).In(time.FixedZone("X", 3600))), []string{early.ID}},
			{"activityDisplayName eq ignores case", eq("activityDisplayName", "delete USER"), []string{late.ID}},
			{"activityDisplayName startswith", op("activityDisplayName", directory.OpStartsWith, "Add"), []string{failed.ID, early.ID}},
			{"category", eq("category", directory.CategoryGroupManagement), []string{failed.ID}},
			{"result", eq("result", directory.ResultSuccess), []string{late.ID, early.ID}},
			{"range", directory.And{Left: op("activityDateTime", directory.OpGt, base), Right: op("activityDateTime", directory.OpLe, base.Add(2*time.Hour))}, []string{failed.ID, late.ID}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				sameIDs(t, auditIDs(f.listAudit(tn.ID, directory.AuditQuery{Filter: c.filter})), c.want)
			})
		}
		f.read(func(tx directory.Tx) error {
			_, err := tx.ListAudit(f.ctx, tn.ID, directory.AuditQuery{Filter: eq("displayName", "x")})
			wantKind(t, err, directory.KindInvalid)
			_, err = tx.ListAudit(f.ctx, tn.ID, directory.AuditQuery{Filter: eq("activityDateTime", "yesterday")})
			wantKind(t, err, directory.KindInvalid)
			return nil
		})
	},
	"ScrubBlanksTheSubjectInEveryTenantAndKeepsItsID": func(t *testing.T, f *fx) {
		// Names, UPNs, modified values and additionalDetails values of
		// every event naming the subject go; ids and keys stay.
		a, b := f.tenant(), f.tenant()
		subject := directory.NewID()
		target := directory.AuditTarget{ID: subject, Type: "User", DisplayName: "Secret Name", UPN: "secret@x.example",
			ModifiedProperties: []directory.ModifiedProperty{{DisplayName: "mail", OldValue: `["old@x.example"]`, NewValue: `["secret@x.example"]`}}}
		other := directory.AuditTarget{ID: directory.NewID(), Type: "Group", DisplayName: "Sales",
			ModifiedProperties: []directory.ModifiedProperty{{DisplayName: "displayName", OldValue: `["S"]`, NewValue: `["Sales"]`}}}
		inA := auditEvent(a.ID, base, directory.ActivityUpdateUser, target)
		inA.Targets = append(inA.Targets, other)
		byB := auditEvent(b.ID, base, directory.ActivityAddGroup, other)
		byB.Initiator = directory.AuditInitiator{UserID: subject, DisplayName: "Secret Name", UPN: "secret@x.example"}
		untouched := auditEvent(b.ID, base, directory.ActivityAddUser, other)
		untouched.Initiator = directory.AuditInitiator{UserID: directory.NewID(), DisplayName: "Admin", UPN: "admin@x.example"}
		inA.AdditionalDetails = []directory.KeyValue{{Key: "invitedEmail", Value: "secret@x.example"}, {Key: "empty"}}
		byB.AdditionalDetails = []directory.KeyValue{{Key: "note", Value: "by Secret Name"}}
		f.appendAudit(inA, byB, untouched)
		f.write(func(tx directory.Tx) error { return tx.ScrubAuditSubject(f.ctx, subject) })

		wantA := *inA
		wantA.Targets = []directory.AuditTarget{{ID: subject, Type: "User",
			ModifiedProperties: []directory.ModifiedProperty{{DisplayName: "mail"}}}, other}
		wantA.AdditionalDetails = []directory.KeyValue{{Key: "invitedEmail"}, {Key: "empty"}}
		wantB := *byB
		wantB.Initiator = directory.AuditInitiator{UserID: subject}
		wantB.AdditionalDetails = []directory.KeyValue{{Key: "note"}}
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetAudit(f.ctx, a.ID, inA.ID)
			wantNoErr(t, err)
			sameJSON(t, got, &wantA)
			got, err = tx.GetAudit(f.ctx, b.ID, byB.ID)
			wantNoErr(t, err)
			sameJSON(t, got, &wantB)
			got, err = tx.GetAudit(f.ctx, b.ID, untouched.ID)
			wantNoErr(t, err)
			sameJSON(t, got, untouched)
			return nil
		})
	},
}
