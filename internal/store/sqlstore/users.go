package sqlstore

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// userColumns lists the user columns, prefixed for a join.
func userColumns(p string) string {
	cols := []string{"id", "tenant_id", "upn", "mail", "display_name", "user_type", "account_enabled",
		"created_at", "creation_type", "external_user_state", "external_state_changed_at", "identities",
		"home_user_id", "home_email_identity_id", "deleted_at", "purge_at", "sessions_valid_from",
		"last_sign_in_at", "last_non_interactive_sign_in_at"}
	for i, c := range cols {
		cols[i] = p + c
	}
	return strings.Join(cols, ", ")
}

var userCols = userColumns("")

func scanUser(r scanner) (*directory.User, error) {
	var u directory.User
	var created, stateChanged, deleted, purge, validFrom, lastIn, lastNonInteractive scanTime
	var identities string
	err := r.Scan(&u.ID, &u.TenantID, &u.UserPrincipalName, &u.Mail, &u.DisplayName, &u.UserType,
		&u.AccountEnabled, &created, &u.CreationType, &u.ExternalUserState, &stateChanged, &identities,
		&u.HomeUserID, &u.HomeEmailIdentityID, &deleted, &purge, &validFrom,
		&lastIn, &lastNonInteractive)
	if err != nil {
		return nil, err
	}
	u.CreatedAt = created.Time
	u.ExternalUserStateChangeDateTime = stateChanged.Ptr()
	u.DeletedAt = deleted.Ptr()
	u.PurgeAt = purge.Ptr()
	u.LastSignInAt, u.LastNonInteractiveSignInAt = lastIn.Ptr(), lastNonInteractive.Ptr()
	if v := validFrom.Ptr(); v != nil {
		u.SignInSessionsValidFrom = *v
	}
	if u.Identities, err = identitiesFromJSON(identities); err != nil {
		return nil, err
	}
	return &u, nil
}

func (t *tx) CreateUser(ctx context.Context, u *directory.User) error {
	ids, err := toJSON(u.Identities)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.TenantID, u.UserPrincipalName, u.Mail, u.DisplayName, string(u.UserType), u.AccountEnabled,
		t.d.timeArg(u.CreatedAt), u.CreationType, string(u.ExternalUserState),
		t.d.nullTimeArg(u.ExternalUserStateChangeDateTime), ids, u.HomeUserID, u.HomeEmailIdentityID,
		t.d.nullTimeArg(u.DeletedAt), t.d.nullTimeArg(u.PurgeAt), t.d.nullTimeArg(validFromPtr(u)),
		t.d.nullTimeArg(u.LastSignInAt), t.d.nullTimeArg(u.LastNonInteractiveSignInAt))
	if err != nil {
		return t.fail(err, "user")
	}
	return nil
}

// GetUser locks the row inside a Write on a backend with row locks, so
// that concurrent changes of one user serialize.
func (t *tx) GetUser(ctx context.Context, tenantID, id string) (*directory.User, error) {
	return t.getUser(ctx, `SELECT `+userCols+` FROM users WHERE tenant_id = ? AND id = ?`+t.d.forUpdate(t.write), tenantID, id)
}

// GetUserShared takes a shared row lock inside a Write (FOR SHARE), so
// that the caller checked at the start of each write cannot be disabled
// or deleted before it commits, while one caller's writes still run side
// by side.
//
// It reads the user's roles in the same statement, one round trip less for
// the caller check that follows it (ListRoles answers from them until the
// transaction's next write).
func (t *tx) GetUserShared(ctx context.Context, tenantID, id string) (*directory.User, error) {
	var roles *string
	row := t.queryRow(ctx, `SELECT `+userCols+`, (SELECT `+t.d.stringAgg("r.role")+` FROM user_roles r
		WHERE r.tenant_id = users.tenant_id AND r.user_id = users.id)
		FROM users WHERE tenant_id = ? AND id = ?`+t.d.forShare(t.write), tenantID, id)
	u, err := scanUser(extraScan{row, []any{&roles}})
	if err != nil {
		return nil, t.fail(err, "user")
	}
	t.roles = &knownRoles{tenantID: tenantID, userID: id}
	if roles != nil {
		for _, r := range strings.Split(*roles, ",") {
			t.roles.roles = append(t.roles.roles, directory.Role(r))
		}
		slices.Sort(t.roles.roles)
	}
	return u, nil
}

// knownRoles are one user's roles as read by GetUserShared.
type knownRoles struct {
	tenantID, userID string
	roles            []directory.Role
}

// extraScan scans a row into dest and then extra.
type extraScan struct {
	r     scanner
	extra []any
}

func (e extraScan) Scan(dest ...any) error { return e.r.Scan(append(dest, e.extra...)...) }

func (t *tx) GetUserByUPN(ctx context.Context, tenantID, upn string) (*directory.User, error) {
	return t.getUser(ctx, `SELECT `+userCols+` FROM users
		WHERE tenant_id = ? AND lower(upn) = lower(?) AND deleted_at IS NULL`, tenantID, upn)
}

func (t *tx) GetUserByMail(ctx context.Context, tenantID, mail string) (*directory.User, error) {
	// mail <> '' lets the partial unique index serve the lookup.
	return t.getUser(ctx, `SELECT `+userCols+` FROM users
		WHERE tenant_id = ? AND lower(mail) = lower(?) AND deleted_at IS NULL AND mail <> ''`, tenantID, mail)
}

func (t *tx) getUser(ctx context.Context, query string, args ...any) (*directory.User, error) {
	u, err := scanUser(t.queryRow(ctx, query, args...))
	if err != nil {
		return nil, t.fail(err, "user")
	}
	return u, nil
}

func (t *tx) UpdateUser(ctx context.Context, u *directory.User) error {
	ids, err := toJSON(u.Identities)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "user", `UPDATE users SET upn = ?, mail = ?, display_name = ?, user_type = ?,
		account_enabled = ?, creation_type = ?, external_user_state = ?, external_state_changed_at = ?,
		identities = ?, home_user_id = ?, home_email_identity_id = ?, deleted_at = ?, purge_at = ?,
		sessions_valid_from = ?
		WHERE tenant_id = ? AND id = ?`,
		u.UserPrincipalName, u.Mail, u.DisplayName, string(u.UserType), u.AccountEnabled, u.CreationType,
		string(u.ExternalUserState), t.d.nullTimeArg(u.ExternalUserStateChangeDateTime), ids,
		u.HomeUserID, u.HomeEmailIdentityID, t.d.nullTimeArg(u.DeletedAt), t.d.nullTimeArg(u.PurgeAt),
		t.d.nullTimeArg(validFromPtr(u)), u.TenantID, u.ID)
}

// TouchSignInActivity moves one of the user's sign-in times to at, only
// when it is unset or older than directory.SignInActivityGranularity: the
// condition is in the UPDATE, so concurrent sign-ins move it once.
func (t *tx) TouchSignInActivity(ctx context.Context, tenantID, id string, interactive bool, at time.Time) error {
	col := "last_non_interactive_sign_in_at"
	if interactive {
		col = "last_sign_in_at"
	}
	_, err := t.exec(ctx, `UPDATE users SET `+col+` = ? WHERE tenant_id = ? AND id = ? AND (`+col+` IS NULL OR `+col+` <= ?)`,
		t.d.timeArg(at), tenantID, id, t.d.timeArg(at.Add(-directory.SignInActivityGranularity)))
	if err != nil {
		return t.fail(err, "user")
	}
	return nil
}

// validFromPtr is the user's SignInSessionsValidFrom, NULL while never
// moved.
func validFromPtr(u *directory.User) *time.Time {
	if u.SignInSessionsValidFrom.IsZero() {
		return nil
	}
	return &u.SignInSessionsValidFrom
}

// userDependents are the rows that name a user. Foreign keys cascade them
// too; deleting them by name keeps DeleteUser complete even on a connection
// where SQLite's foreign keys were left off.
var userDependents = []string{
	`DELETE FROM group_members WHERE tenant_id = ? AND user_id = ?`,
	`DELETE FROM app_role_assignments WHERE tenant_id = ? AND principal_id = ?`,
	`DELETE FROM user_roles WHERE tenant_id = ? AND user_id = ?`,
	`DELETE FROM invitations WHERE tenant_id = ? AND user_id = ?`,
	`DELETE FROM passwords WHERE tenant_id = ? AND user_id = ?`,
	`DELETE FROM access_tokens WHERE tenant_id = ? AND user_id = ?`,
	`DELETE FROM sessions WHERE home_tenant_id = ? AND home_user_id = ?`,
}

func (t *tx) DeleteUser(ctx context.Context, tenantID, id string) error {
	for _, q := range userDependents {
		if _, err := t.exec(ctx, q, tenantID, id); err != nil {
			return t.fail(err, "user")
		}
	}
	if err := t.execOne(ctx, "user", `DELETE FROM users WHERE tenant_id = ? AND id = ?`, tenantID, id); err != nil {
		return err
	}
	t.erased = true
	return nil
}

// userWhere is the condition of a user listing without its keyset.
func (t *tx) userWhere(tenantID string, q directory.UserQuery) (string, []any, error) {
	conds := []string{"tenant_id = ?"}
	args := []any{tenantID}
	if q.Deleted {
		conds = append(conds, "deleted_at IS NOT NULL")
	} else {
		conds = append(conds, "deleted_at IS NULL")
	}
	if q.Filter != nil {
		c, a, err := t.d.compile(userProps, q.Filter)
		if err != nil {
			return "", nil, err
		}
		conds = append(conds, c)
		args = append(args, a...)
	}
	if q.Search != "" {
		cols, err := searchColumns(q.SearchIn)
		if err != nil {
			return "", nil, err
		}
		pat := "%" + escapeLike(q.Search) + "%"
		var like []string
		for _, c := range cols {
			like = append(like, "lower("+c+`) LIKE lower(?) ESCAPE '\'`)
			args = append(args, pat)
		}
		conds = append(conds, "("+strings.Join(like, " OR ")+")")
	}
	return strings.Join(conds, " AND "), args, nil
}

// searchColumns are the columns a search in property looks at: all three
// when property is "".
func searchColumns(property string) ([]string, error) {
	switch property {
	case "":
		return []string{"display_name", "mail", "upn"}, nil
	case "displayName":
		return []string{"display_name"}, nil
	case "mail":
		return []string{"mail"}, nil
	case "userPrincipalName":
		return []string{"upn"}, nil
	}
	return nil, directory.Invalidf("search", "search cannot look in %q", property)
}

func (t *tx) ListUsers(ctx context.Context, tenantID string, q directory.UserQuery) ([]*directory.User, error) {
	limit, err := pageLimit(q.Limit)
	if err != nil {
		return nil, err
	}
	where, args, err := t.userWhere(tenantID, q)
	if err != nil {
		return nil, err
	}
	cmp, dir := ">", "ASC"
	if q.Desc {
		cmp, dir = "<", "DESC"
	}
	var order string
	orderBy := q.OrderBy
	if orderBy == directory.OrderByDeletedDateTime && !q.Deleted {
		orderBy = directory.OrderByID // every live user's deletedDateTime is null
	}
	switch orderBy {
	case directory.OrderByID:
		order = "id " + dir
		if q.After != nil {
			where += " AND id " + cmp + " ?"
			args = append(args, q.After.ID)
		}
	case directory.OrderByDisplayName:
		order = "lower(display_name) " + dir + ", id " + dir
		if q.After != nil {
			where += " AND " + nameKeyset(cmp)
			args = append(args, q.After.DisplayName, q.After.DisplayName, q.After.ID)
		}
	case directory.OrderByDeletedDateTime:
		order = "deleted_at " + dir + ", id " + dir
		if q.After != nil {
			if q.After.DeletedAt == nil {
				return nil, directory.Invalidf("after", "paging by deletedDateTime needs the deletedDateTime of the last user")
			}
			where += " AND (deleted_at, id) " + cmp + " (?, ?)"
			args = append(args, t.d.timeArg(*q.After.DeletedAt), q.After.ID)
		}
	default:
		return nil, directory.Invalidf("orderby", "users cannot be ordered by %q", q.OrderBy)
	}
	args = append(args, limit)
	return t.listUsers(ctx, `SELECT `+userCols+` FROM users WHERE `+where+` ORDER BY `+order+` LIMIT ?`, args...)
}

func (t *tx) listUsers(ctx context.Context, query string, args ...any) ([]*directory.User, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, t.fail(err, "user")
	}
	defer rows.Close()
	var out []*directory.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, t.fail(err, "user")
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err, "user")
	}
	return out, nil
}

func (t *tx) CountUsers(ctx context.Context, tenantID string, q directory.UserQuery) (int, error) {
	where, args, err := t.userWhere(tenantID, q)
	if err != nil {
		return 0, err
	}
	var n int
	if err := t.queryRow(ctx, `SELECT count(*) FROM users WHERE `+where, args...).Scan(&n); err != nil {
		return 0, t.fail(err, "user")
	}
	return n, nil
}

// ListUsersByHome locks the rows it returns inside a Write on a backend
// with row locks, as GetUser does: Leave picks the guest to delete from this
// list, and erase decides from it whether an e-mail identity is still used.
// Unlocked, a Leave could overwrite an administrator's concurrent disable or
// delete, and two instances purging one person's last two guests could each
// see the other still there and both keep the identity (its e-mail address)
// for ever. Locking in (tenant_id, id) order keeps deadlocks rare; one that
// happens is retried by Write.
func (t *tx) ListUsersByHome(ctx context.Context, homeUserID, emailIdentityID string) ([]*directory.User, error) {
	lock := t.d.forUpdate(t.write)
	switch {
	case homeUserID != "" && emailIdentityID == "":
		return t.listUsers(ctx, `SELECT `+userCols+` FROM users WHERE home_user_id = ? AND home_user_id <> '' ORDER BY tenant_id, id`+lock, homeUserID)
	case homeUserID == "" && emailIdentityID != "":
		return t.listUsers(ctx, `SELECT `+userCols+` FROM users WHERE home_email_identity_id = ? AND home_email_identity_id <> '' ORDER BY tenant_id, id`+lock, emailIdentityID)
	}
	return nil, directory.Invalidf("home", "exactly one of a home user and an e-mail identity must be given")
}

func (t *tx) NextPurgeAt(ctx context.Context, tenantID string) (*time.Time, error) {
	var at scanTime
	err := t.queryRow(ctx, `SELECT MIN(purge_at) FROM users WHERE tenant_id = ? AND deleted_at IS NOT NULL`, tenantID).Scan(&at)
	if err != nil {
		return nil, t.fail(err, "user")
	}
	return at.Ptr(), nil
}

// nameKeyset is the condition "after (name, id)" in the order of
// (lower(display_name), id), with cmp ">" or "<". It is spelled out rather
// than as a row value so that SQLite seeks the expression index to the
// name instead of reading the tenant's index from its start.
func nameKeyset(cmp string) string {
	return "lower(display_name) " + cmp + "= lower(?) AND (lower(display_name) " + cmp + " lower(?) OR id " + cmp + " ?)"
}
