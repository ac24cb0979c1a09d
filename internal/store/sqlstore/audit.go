package sqlstore

import (
	"context"
	"slices"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

const auditCols = `e.id, e.tenant_id, e.time, e.activity, e.category, e.operation_type, e.correlation_id,
	e.initiator_user_id, e.initiator_display_name, e.initiator_upn, e.initiator_app_name, e.initiator_app_id,
	e.result, e.result_reason, e.additional_details`

func scanAudit(r scanner) (*directory.AuditEvent, error) {
	var e directory.AuditEvent
	var at scanTime
	var details string
	err := r.Scan(&e.ID, &e.TenantID, &at, &e.Activity, &e.Category, &e.OperationType, &e.CorrelationID,
		&e.Initiator.UserID, &e.Initiator.DisplayName, &e.Initiator.UPN, &e.Initiator.AppName, &e.Initiator.AppID,
		&e.Result, &e.ResultReason, &details)
	if err != nil {
		return nil, err
	}
	e.Time = at.Time
	if e.AdditionalDetails, err = fromJSON[directory.KeyValue](details); err != nil {
		return nil, err
	}
	return &e, nil
}

// AppendAudit writes the event and its targets. Targets go to their own
// table, indexed by object id, so that scrubbing a purged user is cheap.
func (t *tx) AppendAudit(ctx context.Context, e *directory.AuditEvent) error {
	return t.AppendAudits(ctx, []*directory.AuditEvent{e})
}

// auditChunk is how many events (or targets) one multi-row INSERT writes:
// 15 parameters a row stays under both databases' limits.
const auditChunk = 500

// AppendAudits writes the events with one multi-row INSERT into each table
// per auditChunk rows; with WritableCTEs (PostgreSQL), events and targets of
// up to auditChunk rows each go in one statement, one round trip.
func (t *tx) AppendAudits(ctx context.Context, events []*directory.AuditEvent) error {
	rows, err := t.auditTargetRows(events)
	if err != nil {
		return err
	}
	if t.d.WritableCTEs && len(events) <= auditChunk && len(rows) > 0 && len(rows) <= auditChunk {
		eventSQL, eventArgs, err := t.auditEventsInsert(events)
		if err != nil {
			return err
		}
		targetSQL, targetArgs := auditTargetsInsert(rows)
		// The targets' foreign key is checked at the end of the statement,
		// when the events the WITH inserted are there.
		if _, err := t.exec(ctx, `WITH e AS (`+eventSQL+`) `+targetSQL, append(eventArgs, targetArgs...)...); err != nil {
			return t.fail(err, "audit event")
		}
		return nil
	}
	for b := 0; b < len(events); b += auditChunk {
		q, args, err := t.auditEventsInsert(events[b:min(b+auditChunk, len(events))])
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, q, args...); err != nil {
			return t.fail(err, "audit event")
		}
	}
	for b := 0; b < len(rows); b += auditChunk {
		q, args := auditTargetsInsert(rows[b:min(b+auditChunk, len(rows))])
		if _, err := t.exec(ctx, q, args...); err != nil {
			return t.fail(err, "audit event")
		}
	}
	return nil
}

// auditEventsInsert is the INSERT of the events' rows.
func (t *tx) auditEventsInsert(events []*directory.AuditEvent) (string, []any, error) {
	args := make([]any, 0, 15*len(events))
	for _, e := range events {
		details, err := toJSON(e.AdditionalDetails)
		if err != nil {
			return "", nil, err
		}
		args = append(args, e.ID, e.TenantID, t.d.timeArg(e.Time), e.Activity, e.Category, e.OperationType, e.CorrelationID,
			e.Initiator.UserID, e.Initiator.DisplayName, e.Initiator.UPN, e.Initiator.AppName, e.Initiator.AppID,
			e.Result, e.ResultReason, details)
	}
	return `INSERT INTO audit_events (id, tenant_id, time, activity, category, operation_type,
			correlation_id, initiator_user_id, initiator_display_name, initiator_upn, initiator_app_name, initiator_app_id,
			result, result_reason, additional_details) VALUES ` + valueRows(len(events), "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"), args, nil
}

// auditTargetRows are the arguments of the events' target rows.
func (t *tx) auditTargetRows(events []*directory.AuditEvent) ([][]any, error) {
	var rows [][]any
	for _, e := range events {
		for i, tg := range e.Targets {
			props, err := toJSON(tg.ModifiedProperties)
			if err != nil {
				return nil, err
			}
			rows = append(rows, []any{e.ID, i, e.TenantID, tg.ID, tg.Type, tg.DisplayName, tg.UPN, props})
		}
	}
	return rows, nil
}

// auditTargetsInsert is the INSERT of target rows (at least one).
func auditTargetsInsert(rows [][]any) (string, []any) {
	args := make([]any, 0, 8*len(rows))
	for _, r := range rows {
		args = append(args, r...)
	}
	return `INSERT INTO audit_targets (event_id, position, tenant_id, object_id, type,
			display_name, upn, modified_properties) VALUES ` + valueRows(len(rows), "(?, ?, ?, ?, ?, ?, ?, ?)"), args
}

func (t *tx) GetAudit(ctx context.Context, tenantID, id string) (*directory.AuditEvent, error) {
	e, err := scanAudit(t.queryRow(ctx, `SELECT `+auditCols+` FROM audit_events e WHERE e.tenant_id = ? AND e.id = ?`, tenantID, id))
	if err != nil {
		return nil, t.fail(err, "audit event")
	}
	if err := t.loadTargets(ctx, tenantID, []*directory.AuditEvent{e}); err != nil {
		return nil, err
	}
	return e, nil
}

// ListAudit returns the tenant's events newest first. TargetID selects the
// events that name the object, as a target or as the initiator.
func (t *tx) ListAudit(ctx context.Context, tenantID string, q directory.AuditQuery) ([]*directory.AuditEvent, error) {
	limit, err := pageLimit(q.Limit)
	if err != nil {
		return nil, err
	}
	where, args := "e.tenant_id = ?", []any{tenantID}
	if q.Filter != nil {
		c, a, err := t.d.compile(auditProps, q.Filter)
		if err != nil {
			return nil, err
		}
		where += " AND " + c
		args = append(args, a...)
	}
	if q.TargetID != "" {
		// Both halves are index lookups by object id; the events they
		// find are few, so sorting them is cheap.
		where += ` AND e.id IN (SELECT event_id FROM audit_targets WHERE object_id = ? AND tenant_id = ?
			UNION SELECT id FROM audit_events WHERE initiator_user_id = ? AND tenant_id = ?)`
		args = append(args, q.TargetID, tenantID, q.TargetID, tenantID)
	}
	if q.After != nil {
		where += " AND (e.time, e.id) < (?, ?)"
		args = append(args, t.d.timeArg(q.After.Time), q.After.ID)
	}
	args = append(args, limit)
	rows, err := t.query(ctx, `SELECT `+auditCols+` FROM audit_events e WHERE `+where+`
		ORDER BY e.time DESC, e.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, t.fail(err, "audit event")
	}
	defer rows.Close()
	var out []*directory.AuditEvent
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, t.fail(err, "audit event")
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err, "audit event")
	}
	rows.Close()
	if err := t.loadTargets(ctx, tenantID, out); err != nil {
		return nil, err
	}
	return out, nil
}

// loadTargets fills the targets of events with one query.
func (t *tx) loadTargets(ctx context.Context, tenantID string, events []*directory.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	byID := make(map[string]*directory.AuditEvent, len(events))
	args := []any{tenantID}
	for _, e := range events {
		byID[e.ID] = e
		args = append(args, e.ID)
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(events)), ", ")
	rows, err := t.query(ctx, `SELECT event_id, object_id, type, display_name, upn, modified_properties
		FROM audit_targets WHERE tenant_id = ? AND event_id IN (`+marks+`) ORDER BY event_id, position`, args...)
	if err != nil {
		return t.fail(err, "audit event")
	}
	defer rows.Close()
	for rows.Next() {
		var eventID, props string
		var tg directory.AuditTarget
		if err := rows.Scan(&eventID, &tg.ID, &tg.Type, &tg.DisplayName, &tg.UPN, &props); err != nil {
			return t.fail(err, "audit event")
		}
		if tg.ModifiedProperties, err = fromJSON[directory.ModifiedProperty](props); err != nil {
			return t.fail(err, "audit event")
		}
		if e := byID[eventID]; e != nil {
			e.Targets = append(e.Targets, tg)
		}
	}
	if err := rows.Err(); err != nil {
		return t.fail(err, "audit event")
	}
	return nil
}

// ScrubAuditSubject blanks what identifies objectID in every event of every
// tenant: its name and UPN as initiator or target and the values of the
// properties changed on it. The id stays, so events still tell what
// happened to which object.
//
// The names go in one UPDATE per table; the JSON columns are rewritten in
// Go and written back in batches (scrubBatch rows a statement), so that a
// user with a long history costs a few statements, not one per record.
func (t *tx) ScrubAuditSubject(ctx context.Context, objectID string) error {
	if objectID == "" {
		return directory.Invalidf("objectID", "an object id is required")
	}
	return t.scrubSubjects(ctx, []string{objectID})
}

// ScrubAuditSubjects is ScrubAuditSubject of many objects with the same
// statements, each naming a chunk of them in an IN list.
func (t *tx) ScrubAuditSubjects(ctx context.Context, objectIDs []string) error {
	for _, id := range objectIDs {
		if id == "" {
			return directory.Invalidf("objectIDs", "every object id is required; one is empty")
		}
	}
	ids := uniqueStrings(objectIDs)
	for b := 0; b < len(ids); b += setChunk {
		if err := t.scrubSubjects(ctx, ids[b:min(b+setChunk, len(ids))]); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) scrubSubjects(ctx context.Context, objectIDs []string) error {
	in, ids := marks(len(objectIDs)), anys(objectIDs)
	if _, err := t.exec(ctx, `UPDATE audit_events SET initiator_display_name = '', initiator_upn = ''
		WHERE initiator_user_id IN (`+in+`) AND (initiator_display_name <> '' OR initiator_upn <> '')`, ids...); err != nil {
		return t.fail(err, "audit event")
	}
	if err := t.scrubDetails(ctx, in, ids); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `UPDATE audit_targets SET display_name = '', upn = ''
		WHERE object_id IN (`+in+`) AND (display_name <> '' OR upn <> '')`, ids...); err != nil {
		return t.fail(err, "audit event")
	}
	rows, err := t.query(ctx, `SELECT event_id, position, object_id, modified_properties FROM audit_targets
		WHERE object_id IN (`+in+`) AND modified_properties <> '[]'`, ids...)
	if err != nil {
		return t.fail(err, "audit event")
	}
	var updates []scrubbedTarget
	for rows.Next() {
		var u scrubbedTarget
		var props string
		if err := rows.Scan(&u.event, &u.pos, &u.object, &props); err != nil {
			rows.Close()
			return t.fail(err, "audit event")
		}
		mp, err := fromJSON[directory.ModifiedProperty](props)
		if err != nil {
			rows.Close()
			return t.fail(err, "audit event")
		}
		blank := false
		for i := range mp {
			if mp[i].OldValue != "" || mp[i].NewValue != "" {
				mp[i].OldValue, mp[i].NewValue, blank = "", "", true
			}
		}
		if !blank {
			continue
		}
		if u.props, err = toJSON(mp); err != nil {
			rows.Close()
			return err
		}
		updates = append(updates, u)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return t.fail(err, "audit event")
	}
	rows.Close()
	for b := 0; b < len(updates); b += scrubBatch {
		batch := updates[b:min(b+scrubBatch, len(updates))]
		args := make([]any, 0, 4*len(batch))
		for _, u := range batch {
			args = append(args, u.event, u.pos, u.object, u.props)
		}
		// A VALUES list joined on the primary key: the same SQL on SQLite
		// (UPDATE … FROM, 3.33+) and PostgreSQL. The casts give v's columns
		// the types of the table's; object_id bounds the rows looked at
		// to the subjects' whichever way the planner runs the join
		// (SQLite, without statistics, walks a subject's rows for a
		// big batch).
		if _, err := t.exec(ctx, `WITH v (event_id, position, object_id, props) AS (VALUES `+valueRows(len(batch), "(CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS TEXT), ?)")+`)
			UPDATE audit_targets SET modified_properties = v.props FROM v
			WHERE audit_targets.object_id = v.object_id AND audit_targets.event_id = v.event_id AND audit_targets.position = v.position`, args...); err != nil {
			return t.fail(err, "audit event")
		}
	}
	t.erased = true
	return nil
}

// scrubBatch is how many rows one batched scrub UPDATE rewrites: a
// history of thousands of records takes a handful of statements, and a
// batch stays small enough that PostgreSQL looks its rows up by primary
// key rather than reading a big audit table whole.
const scrubBatch = 100

// scrubbedTarget is the rewritten modified properties of one audit target.
type scrubbedTarget struct {
	event  string
	pos    int
	object string
	props  string
}

// valueRows is n copies of row, comma-separated, for a VALUES list.
func valueRows(n int, row string) string {
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// scrubDetails blanks the additionalDetails values of every event that
// names one of ids (the IN list in), as initiator or target. They are free text: whatever a
// caller put there (an address, a former name) must not outlive the
// person. The keys stay, so the record still says what kind of detail it
// had.
func (t *tx) scrubDetails(ctx context.Context, in string, ids []any) error {
	rows, err := t.query(ctx, `SELECT id, additional_details FROM audit_events
		WHERE initiator_user_id IN (`+in+`) AND additional_details <> '[]'
		UNION ALL SELECT e.id, e.additional_details FROM audit_targets tg JOIN audit_events e ON e.id = tg.event_id
		WHERE tg.object_id IN (`+in+`) AND e.additional_details <> '[]'`, append(slices.Clip(ids), ids...)...)
	if err != nil {
		return t.fail(err, "audit event")
	}
	type update struct{ id, details string }
	var updates []update
	seen := map[string]bool{} // UNION ALL: an event may name the subject twice
	for rows.Next() {
		var id, raw string
		if err := rows.Scan(&id, &raw); err != nil {
			rows.Close()
			return t.fail(err, "audit event")
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		kv, err := fromJSON[directory.KeyValue](raw)
		if err != nil {
			rows.Close()
			return t.fail(err, "audit event")
		}
		blank := false
		for i := range kv {
			if kv[i].Value != "" {
				kv[i].Value, blank = "", true
			}
		}
		if !blank {
			continue
		}
		s, err := toJSON(kv)
		if err != nil {
			rows.Close()
			return err
		}
		updates = append(updates, update{id, s})
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return t.fail(err, "audit event")
	}
	rows.Close()
	for b := 0; b < len(updates); b += scrubBatch {
		batch := updates[b:min(b+scrubBatch, len(updates))]
		args := make([]any, 0, 2*len(batch))
		for _, u := range batch {
			args = append(args, u.id, u.details)
		}
		// Joined on the primary key. No cast here: SQLite then cannot index
		// v and looks each of its rows up in audit_events, never the reverse.
		if _, err := t.exec(ctx, `WITH v (id, details) AS (VALUES `+valueRows(len(batch), "(?, ?)")+`)
			UPDATE audit_events SET additional_details = v.details FROM v WHERE audit_events.id = v.id`, args...); err != nil {
			return t.fail(err, "audit event")
		}
	}
	return nil
}
