package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// TestScrubBlanksAHistoryLongerThanOneBatch: the scrub rewrites the JSON
// columns in batches of a few hundred rows; a subject named by more records
// than two batches hold, as target (with changed values and details) and as
// initiator, is blanked in every one of them, and a record of someone else
// in between is left alone.
func TestScrubBlanksAHistoryLongerThanOneBatch(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	const n = 250 // more than two batches of 100
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tn := &directory.Tenant{ID: directory.NewID(), DisplayName: "Contoso", InitialDomain: "contoso.example", CreatedAt: now, Settings: directory.DefaultTenantSettings()}
	subject, other := directory.NewID(), directory.NewID()
	var keep *directory.AuditEvent
	if err := s.Write(ctx, func(tx directory.Tx) error {
		if err := tx.CreateTenant(ctx, tn); err != nil {
			return err
		}
		for i := range n {
			e := &directory.AuditEvent{ID: directory.NewID(), TenantID: tn.ID, Time: now.Add(time.Duration(i) * time.Second),
				Activity: directory.ActivityUpdateUser, Category: directory.CategoryUserManagement, Result: directory.ResultSuccess,
				AdditionalDetails: []directory.KeyValue{{Key: "note", Value: fmt.Sprintf("secret %d", i)}},
				Targets: []directory.AuditTarget{{ID: subject, Type: "User", DisplayName: "Secret", UPN: "secret@contoso.example",
					ModifiedProperties: []directory.ModifiedProperty{{DisplayName: "displayName", OldValue: fmt.Sprintf(`["old %d"]`, i), NewValue: `["Secret"]`}}}}}
			if i%3 == 0 {
				e.Initiator = directory.AuditInitiator{UserID: subject, DisplayName: "Secret", UPN: "secret@contoso.example"}
			}
			if i == n/2 {
				keep = &directory.AuditEvent{ID: directory.NewID(), TenantID: tn.ID, Time: e.Time,
					Activity: directory.ActivityUpdateUser, Category: directory.CategoryUserManagement, Result: directory.ResultSuccess,
					AdditionalDetails: []directory.KeyValue{{Key: "note", Value: "kept"}},
					Targets: []directory.AuditTarget{{ID: other, Type: "User", DisplayName: "Other", UPN: "other@contoso.example",
						ModifiedProperties: []directory.ModifiedProperty{{DisplayName: "displayName", OldValue: `["O"]`, NewValue: `["Other"]`}}}}}
				if err := tx.AppendAudit(ctx, keep); err != nil {
					return err
				}
			}
			if err := tx.AppendAudit(ctx, e); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	if err := s.Write(ctx, func(tx directory.Tx) error { return tx.ScrubAuditSubject(ctx, subject) }); err != nil {
		t.Fatal(err)
	}

	if err := s.Read(ctx, func(tx directory.Tx) error {
		// Read back in pages of the subject's records, newest first.
		var events []*directory.AuditEvent
		q := directory.AuditQuery{TargetID: subject, Limit: directory.MaxPageSize}
		for {
			page, err := tx.ListAudit(ctx, tn.ID, q)
			if err != nil {
				return err
			}
			events = append(events, page...)
			if len(page) < q.Limit {
				break
			}
			q.After = page[len(page)-1]
		}
		if len(events) != n {
			t.Fatalf("%d records name the subject, want %d", len(events), n)
		}
		for i, e := range events {
			tg := e.Targets[0]
			mp := tg.ModifiedProperties
			if tg.ID != subject || tg.DisplayName != "" || tg.UPN != "" || len(mp) != 1 || mp[0].DisplayName != "displayName" ||
				mp[0].OldValue != "" || mp[0].NewValue != "" {
				t.Fatalf("record %d of %d: target not scrubbed: %+v", i, n, tg)
			}
			if len(e.AdditionalDetails) != 1 || e.AdditionalDetails[0] != (directory.KeyValue{Key: "note"}) {
				t.Fatalf("record %d of %d: details not scrubbed: %+v", i, n, e.AdditionalDetails)
			}
			if e.Initiator.DisplayName != "" || e.Initiator.UPN != "" {
				t.Fatalf("record %d of %d: initiator not scrubbed: %+v", i, n, e.Initiator)
			}
		}
		got, err := tx.GetAudit(ctx, tn.ID, keep.ID)
		if err != nil {
			return err
		}
		kt, gt := keep.Targets[0], got.Targets
		if len(gt) != 1 || gt[0].DisplayName != kt.DisplayName || gt[0].UPN != kt.UPN ||
			len(gt[0].ModifiedProperties) != 1 || gt[0].ModifiedProperties[0] != kt.ModifiedProperties[0] ||
			len(got.AdditionalDetails) != 1 || got.AdditionalDetails[0] != keep.AdditionalDetails[0] {
			t.Fatalf("the record of someone else changed: %+v, want %+v", got, keep)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
