package sqlstore

import (
	"context"

	"github.com/orgdir/orgdir/internal/directory"
)

const tenantCols = `id, display_name, initial_domain, created_at, allow_leave, privacy_email, privacy_url, retention_days, access_token_minutes`

func (t *tx) CreateTenant(ctx context.Context, tn *directory.Tenant) error {
	_, err := t.exec(ctx, `INSERT INTO tenants (`+tenantCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tn.ID, tn.DisplayName, tn.InitialDomain, t.d.timeArg(tn.CreatedAt),
		tn.Settings.AllowExternalUsersToLeave, tn.Settings.PrivacyContactEmail,
		tn.Settings.PrivacyStatementURL, tn.Settings.RetentionDays, tn.Settings.AccessTokenMinutes)
	if err != nil {
		return t.fail(err, "tenant")
	}
	return nil
}

func (t *tx) GetTenant(ctx context.Context, id string) (*directory.Tenant, error) {
	return t.getTenant(ctx, `SELECT `+tenantCols+` FROM tenants WHERE id = ?`, id)
}

func (t *tx) GetTenantByDomain(ctx context.Context, domain string) (*directory.Tenant, error) {
	return t.getTenant(ctx, `SELECT `+tenantCols+` FROM tenants WHERE lower(initial_domain) = lower(?)`, domain)
}

func (t *tx) getTenant(ctx context.Context, query string, arg string) (*directory.Tenant, error) {
	tn, err := scanTenant(t.queryRow(ctx, query, arg))
	if err != nil {
		return nil, t.fail(err, "tenant")
	}
	return tn, nil
}

func (t *tx) ListTenants(ctx context.Context) ([]*directory.Tenant, error) {
	rows, err := t.query(ctx, `SELECT `+tenantCols+` FROM tenants ORDER BY lower(display_name), id`)
	if err != nil {
		return nil, t.fail(err, "tenant")
	}
	defer rows.Close()
	var out []*directory.Tenant
	for rows.Next() {
		tn, err := scanTenant(rows)
		if err != nil {
			return nil, t.fail(err, "tenant")
		}
		out = append(out, tn)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err, "tenant")
	}
	return out, nil
}

func (t *tx) UpdateTenant(ctx context.Context, tn *directory.Tenant) error {
	return t.execOne(ctx, "tenant", `UPDATE tenants SET display_name = ?, initial_domain = ?, allow_leave = ?,
		privacy_email = ?, privacy_url = ?, retention_days = ?, access_token_minutes = ? WHERE id = ?`,
		tn.DisplayName, tn.InitialDomain, tn.Settings.AllowExternalUsersToLeave,
		tn.Settings.PrivacyContactEmail, tn.Settings.PrivacyStatementURL, tn.Settings.RetentionDays, tn.Settings.AccessTokenMinutes, tn.ID)
}

// scanner is a row or rows.
type scanner interface{ Scan(dest ...any) error }

func scanTenant(r scanner) (*directory.Tenant, error) {
	var tn directory.Tenant
	var created scanTime
	err := r.Scan(&tn.ID, &tn.DisplayName, &tn.InitialDomain, &created,
		&tn.Settings.AllowExternalUsersToLeave, &tn.Settings.PrivacyContactEmail,
		&tn.Settings.PrivacyStatementURL, &tn.Settings.RetentionDays, &tn.Settings.AccessTokenMinutes)
	if err != nil {
		return nil, err
	}
	tn.CreatedAt = created.Time
	return &tn, nil
}
