package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

// querier is what a tx runs its statements on.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// tx is a directory.Tx over one database transaction.
type tx struct {
	q      querier
	d      *Dialect
	write  bool
	erased bool // personal data was erased: the store may need to clean up after commit
	// With StatementSavepoints: safe wraps each write statement in a
	// savepoint, so that a failed one is undone alone and the caller can
	// go on (3 round trips a statement). Otherwise a failed statement
	// leaves the transaction broken, and a statement sent after it makes
	// the Write run again in safe mode.
	safe, broken bool
	// roles read with GetUserShared, until the next write statement.
	roles *knownRoles
	trace func(query string, args []any)
}

// rebind prepares a statement for the dialect and shows it to the tracer.
func (t *tx) rebind(query string, args []any) string {
	q := t.d.Rebind(query)
	if t.trace != nil {
		t.trace(q, args)
	}
	return q
}

var _ directory.Tx = (*tx)(nil)

func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	t.checkBroken()
	t.roles = nil
	if !t.write || !t.d.StatementSavepoints {
		return t.q.ExecContext(ctx, t.rebind(query, args), args...)
	}
	if !t.safe {
		// Optimistic: no savepoint. A failure aborts the database's
		// transaction; if the caller goes on after it, Write runs it again
		// in safe mode (see Store.Write).
		res, err := t.q.ExecContext(ctx, t.rebind(query, args), args...)
		if err != nil {
			t.broken = true
		}
		return res, err
	}
	if _, err := t.q.ExecContext(ctx, t.rebind("SAVEPOINT orgdir_stmt", nil)); err != nil {
		return nil, err
	}
	res, err := t.q.ExecContext(ctx, t.rebind(query, args), args...)
	if err != nil {
		if _, rbErr := t.q.ExecContext(ctx, t.rebind("ROLLBACK TO SAVEPOINT orgdir_stmt", nil)); rbErr != nil {
			return nil, errors.Join(err, rbErr)
		}
		return nil, err
	}
	if _, err := t.q.ExecContext(ctx, t.rebind("RELEASE SAVEPOINT orgdir_stmt", nil)); err != nil {
		return nil, err
	}
	return res, nil
}

// errRerun is the panic of a statement sent after a failed one in an
// optimistic Write: the database would refuse it, and the caller must not
// see an answer that the safe run would not give. Store.writeOnce recovers
// it and runs the Write again in safe mode.
var errRerun = errors.New("sqlstore: statement after a failed one: the write runs again with savepoints")

func (t *tx) checkBroken() {
	if t.broken {
		panic(errRerun)
	}
}

func (t *tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	t.checkBroken()
	return t.q.QueryContext(ctx, t.rebind(query, args), args...)
}

func (t *tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	t.checkBroken()
	return t.q.QueryRowContext(ctx, t.rebind(query, args), args...)
}

// execOne runs a statement that must change exactly one row; none is
// KindNotFound for what.
func (t *tx) execOne(ctx context.Context, what, query string, args ...any) error {
	res, err := t.exec(ctx, query, args...)
	if err != nil {
		return t.fail(err, what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return directory.Internal(err)
	}
	if n == 0 {
		return notFound(what)
	}
	return nil
}

func notFound(what string) error {
	return directory.Errorf(directory.KindNotFound, "%s not found", what)
}

// conflictMessages name the clash of each unique constraint for the client.
// Keys are matched against the constraint (PostgreSQL) or the text that
// names it (SQLite: "index 'users_live_upn'" or "group_members.group_id, …").
var conflictMessages = []struct{ key, msg string }{
	{"users_live_upn", "another user already has this userPrincipalName"},
	{"users_live_mail", "another user already has this mail address"},
	// One live user per person and tenant. SQLite names a plain-column
	// index by its columns, not its name.
	{"users_live_home_user", "this person already has a live user in the tenant"},
	{"users.home_user_id", "this person already has a live user in the tenant"},
	{"users_live_home_email", "this person already has a live user in the tenant"},
	{"users.home_email_identity_id", "this person already has a live user in the tenant"},
	{"tenants_domain", "a tenant with this initial domain already exists"},
	{"email_identities_email", "an e-mail identity with this address already exists"},
	{"group_members", "the user is already a member of the group"},
	{"user_roles", "the user already holds this role"},
	{"app_role_assignments_unique", "the user already has this app role"},
	{"invitations_token", "an invitation with this token already exists"},
	{"access_tokens_hash", "a token with this hash already exists"},
	{"sessions_hash", "a session with this hash already exists"},
}

// fail turns a database error into a directory error: no row is
// KindNotFound, a unique violation KindConflict, a missing referenced row
// KindNotFound, anything else KindInternal with the cause kept for the log.
func (t *tx) fail(err error, what string) error {
	var de *directory.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(what)
	}
	if t.d.Classify != nil {
		class, name := t.d.Classify(err)
		switch class {
		case ClassUnique:
			for _, m := range conflictMessages {
				if strings.Contains(name, m.key) {
					return &directory.Error{Kind: directory.KindConflict, Message: m.msg, Err: err}
				}
			}
			return &directory.Error{Kind: directory.KindConflict, Message: what + " already exists", Err: err}
		case ClassForeignKey:
			return &directory.Error{Kind: directory.KindNotFound, Message: what + " refers to an object that does not exist", Err: err}
		}
	}
	return directory.Internal(err)
}
