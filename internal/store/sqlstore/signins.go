package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

const signInCols = `s.id, s.tenant_id, s.time, s.user_id, s.user_display_name, s.upn, s.user_type,
	s.home_tenant_id, s.app_id, s.app_display_name, s.client_addr, s.method, s.interactive,
	s.error_code, s.failure_reason, s.correlation_id`

var signInProps = filterable{directory.SignInFilter, map[string]string{
	"createdDateTime":   "s.time",
	"userId":            "COALESCE(s.user_id, '')",
	"userPrincipalName": "s.upn",
	"appId":             "s.app_id",
	"appDisplayName":    "s.app_display_name",
	"ipAddress":         "s.client_addr",
	"isInteractive":     "s.interactive",
	"status/errorCode":  "s.error_code",
}}

func scanSignIn(r scanner) (*directory.SignInEvent, error) {
	var e directory.SignInEvent
	var at scanTime
	var userID sql.NullString
	var userType string
	err := r.Scan(&e.ID, &e.TenantID, &at, &userID, &e.UserDisplayName, &e.UserPrincipalName, &userType,
		&e.HomeTenantID, &e.AppID, &e.AppDisplayName, &e.ClientAddr, &e.Method, &e.Interactive,
		&e.ErrorCode, &e.FailureReason, &e.CorrelationID)
	if err != nil {
		return nil, err
	}
	e.Time, e.UserID, e.UserType = at.Time, userID.String, directory.UserType(userType)
	return &e, nil
}

// AppendSignIn writes one record. A record naming a user that does not
// exist (in its tenant) is KindNotFound: the foreign key that erases a
// user's records with the user refuses it.
func (t *tx) AppendSignIn(ctx context.Context, e *directory.SignInEvent) error {
	var userID any
	if e.UserID != "" {
		userID = e.UserID
	}
	_, err := t.exec(ctx, `INSERT INTO sign_in_events (id, tenant_id, time, user_id, user_display_name, upn,
		user_type, home_tenant_id, app_id, app_display_name, client_addr, method, interactive,
		error_code, failure_reason, correlation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.TenantID, t.d.timeArg(e.Time), userID, e.UserDisplayName, e.UserPrincipalName,
		string(e.UserType), e.HomeTenantID, e.AppID, e.AppDisplayName, e.ClientAddr, e.Method, e.Interactive,
		e.ErrorCode, e.FailureReason, e.CorrelationID)
	if err != nil {
		return t.fail(err, "sign-in")
	}
	return nil
}

func (t *tx) GetSignIn(ctx context.Context, tenantID, id string) (*directory.SignInEvent, error) {
	e, err := scanSignIn(t.queryRow(ctx, `SELECT `+signInCols+` FROM sign_in_events s WHERE s.tenant_id = ? AND s.id = ?`, tenantID, id))
	if err != nil {
		return nil, t.fail(err, "sign-in")
	}
	return e, nil
}

// ListSignIns returns the tenant's records newest first (time, then id).
func (t *tx) ListSignIns(ctx context.Context, tenantID string, q directory.SignInQuery) ([]*directory.SignInEvent, error) {
	limit, err := pageLimit(q.Limit)
	if err != nil {
		return nil, err
	}
	where, args := "s.tenant_id = ?", []any{tenantID}
	if q.Filter != nil {
		c, a, err := t.d.compile(signInProps, q.Filter)
		if err != nil {
			return nil, err
		}
		where += " AND " + c
		args = append(args, a...)
	}
	if q.After != nil {
		where += " AND (s.time, s.id) < (?, ?)"
		args = append(args, t.d.timeArg(q.After.Time), q.After.ID)
	}
	args = append(args, limit)
	return t.signIns(ctx, `SELECT `+signInCols+` FROM sign_in_events s WHERE `+where+`
		ORDER BY s.time DESC, s.id DESC LIMIT ?`, args...)
}

func (t *tx) ListUserSignIns(ctx context.Context, tenantID, userID string) ([]*directory.SignInEvent, error) {
	return t.signIns(ctx, `SELECT `+signInCols+` FROM sign_in_events s
		WHERE s.tenant_id = ? AND s.user_id = ? ORDER BY s.time, s.id`, tenantID, userID)
}

func (t *tx) signIns(ctx context.Context, query string, args ...any) ([]*directory.SignInEvent, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, t.fail(err, "sign-in")
	}
	defer rows.Close()
	var out []*directory.SignInEvent
	for rows.Next() {
		e, err := scanSignIn(rows)
		if err != nil {
			return nil, t.fail(err, "sign-in")
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err, "sign-in")
	}
	return out, nil
}

// CountSignInsByHour groups by the hour number since the Unix epoch, which
// both databases compute from the stored time.
func (t *tx) CountSignInsByHour(ctx context.Context, tenantID string, since time.Time) ([]directory.SignInHour, error) {
	hour := t.d.hourOf("time")
	rows, err := t.query(ctx, `SELECT `+hour+` AS h,
		SUM(CASE WHEN error_code = 0 THEN 1 ELSE 0 END), SUM(CASE WHEN error_code <> 0 THEN 1 ELSE 0 END)
		FROM sign_in_events WHERE tenant_id = ? AND time >= ? GROUP BY h ORDER BY h`,
		tenantID, t.d.timeArg(since))
	if err != nil {
		return nil, t.fail(err, "sign-in")
	}
	defer rows.Close()
	var out []directory.SignInHour
	for rows.Next() {
		var h, ok, failed int64
		if err := rows.Scan(&h, &ok, &failed); err != nil {
			return nil, t.fail(err, "sign-in")
		}
		out = append(out, directory.SignInHour{Hour: time.Unix(h*3600, 0).UTC(), Succeeded: int(ok), Failed: int(failed)})
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err, "sign-in")
	}
	return out, nil
}

// DeleteSignInsBefore removes the oldest expired records first.
func (t *tx) DeleteSignInsBefore(ctx context.Context, before time.Time, limit int) (int, error) {
	if limit < 1 {
		return 0, directory.Invalidf("limit", "limit must be at least 1, not %d", limit)
	}
	res, err := t.exec(ctx, `DELETE FROM sign_in_events WHERE id IN
		(SELECT id FROM sign_in_events WHERE time < ? ORDER BY time LIMIT ?)`, t.d.timeArg(before), limit)
	if err != nil {
		return 0, t.fail(err, "sign-in")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, t.fail(err, "sign-in")
	}
	return int(n), nil
}
