package directory

import (
	"context"
	"slices"
	"time"
)

// Authorization, decided once here for every operation.
//
// The actor of the context is loaded in the operation's own transaction, so
// a user disabled or deleted a moment ago can no longer act. Cross-tenant
// requests never reveal what exists: an operation that names an object of
// another tenant (a user, group, application, assignment, audit event, or
// the tenant itself) is KindNotFound, exactly as for an id that does not
// exist; an operation on a tenant's collections or settings (list, create,
// invite, update settings, read the audit log) is KindForbidden.

// perm is what an operation needs.
type perm int

const (
	permRead     perm = iota // read users, groups and apps of the tenant: members and admins
	permInvite               // invite external users: Global/User Administrator, Guest Inviter
	permManage               // users, groups, apps, assignments, deleted users, audit: Global/User Administrator
	permSettings             // tenant settings and the Global Administrator role: Global Administrator

	// The same, for one kind of object, so that an application's
	// permissions can be told apart; for a user each is its general perm.
	permReadUsers    // permRead, for users
	permManageUsers  // permManage, for users
	permReadGroups   // permRead, for groups
	permManageGroups // permManage, for groups
	permReadAudit    // permManage, for the audit and sign-in logs
)

// general is the perm a user needs for p.
func (p perm) general() perm {
	switch p {
	case permReadUsers, permReadGroups:
		return permRead
	case permManageUsers, permManageGroups, permReadAudit:
		return permManage
	}
	return p
}

// appGrants are the permissions of orgdir's API that allow each perm to
// an application (Graph's); permSettings is never an application's.
var appGrants = map[perm][]string{
	permReadUsers:    {PermUserReadAll, PermUserReadWriteAll, PermDirectoryReadWriteAll},
	permManageUsers:  {PermUserReadWriteAll, PermDirectoryReadWriteAll},
	permReadGroups:   {PermGroupReadWriteAll, PermDirectoryReadWriteAll},
	permManageGroups: {PermGroupReadWriteAll, PermDirectoryReadWriteAll},
	permReadAudit:    {PermAuditLogReadAll},
	permInvite:       {PermUserReadWriteAll, PermDirectoryReadWriteAll},
	permRead:         {PermDirectoryReadWriteAll},
	permManage:       {PermDirectoryReadWriteAll},
}

// caller is the loaded actor of one operation.
type caller struct {
	actor Actor
	user  *User          // for a user actor: the acting user object
	roles []Role         // the directory roles of user
	email *EmailIdentity // for an e-mail actor
	app   *Application   // for an application actor
	perms []string       // the app's permissions: its token's, still granted now
}

var errNoActor = Errorf(KindUnauthenticated, "sign in first")

// loadCaller loads the actor of ctx in tx. A missing, deleted or (unless
// allowDisabled) disabled acting user is KindUnauthenticated.
func loadCaller(ctx context.Context, tx Tx, allowDisabled bool) (*caller, error) {
	a, ok := ActorFrom(ctx)
	if !ok {
		return nil, errNoActor
	}
	switch {
	case a.IsSystem():
		return &caller{actor: a}, nil
	case a.UserID != "":
		if !ValidID(a.UserID) || !ValidID(a.TenantID) {
			return nil, errNoActor
		}
		// A shared lock: the caller stays as checked until commit, and
		// one admin's (or one script's) writes do not queue behind
		// each other as they would behind FOR UPDATE.
		u, err := tx.GetUserShared(ctx, a.TenantID, a.UserID)
		if IsKind(err, KindNotFound) {
			return nil, errNoActor
		}
		if err != nil {
			return nil, err
		}
		if u.Deleted() || (!u.AccountEnabled && !allowDisabled) {
			return nil, errNoActor
		}
		roles, err := tx.ListRoles(ctx, u.TenantID, u.ID)
		if err != nil {
			return nil, err
		}
		return &caller{actor: a, user: u, roles: roles}, nil
	case a.AppID != "":
		return loadAppCaller(ctx, tx, a)
	case a.EmailIdentityID != "":
		if !ValidID(a.EmailIdentityID) {
			return nil, errNoActor
		}
		e, err := tx.GetEmailIdentity(ctx, a.EmailIdentityID)
		if IsKind(err, KindNotFound) {
			return nil, errNoActor
		}
		if err != nil {
			return nil, err
		}
		return &caller{actor: a, email: e}, nil
	}
	return nil, errNoActor
}

func (c *caller) system() bool { return c.actor.IsSystem() }

func (c *caller) hasRole(r Role) bool { return c.user != nil && slices.Contains(c.roles, r) }

// inTenant reports whether the caller acts inside tenantID.
func (c *caller) inTenant(tenantID string) bool {
	return c.system() || (c.user != nil && c.user.TenantID == tenantID) || (c.app != nil && c.app.TenantID == tenantID)
}

// isSelf reports whether userID is the acting user object of tenantID.
func (c *caller) isSelf(tenantID, userID string) bool {
	return c.user != nil && c.user.TenantID == tenantID && c.user.ID == userID
}

// may reports whether the caller holds p in tenantID.
func (c *caller) may(tenantID string, p perm) bool {
	if c.system() {
		return true
	}
	if !c.inTenant(tenantID) {
		return false
	}
	if c.app != nil {
		return slices.ContainsFunc(appGrants[p], func(v string) bool { return slices.Contains(c.perms, v) })
	}
	// A delegated token does what both its scopes and its user's roles
	// allow, as Graph's delegated permissions.
	if s := c.actor.DelegatedScopes; s != nil && !slices.ContainsFunc(appGrants[p], func(v string) bool { return slices.Contains(s, v) }) {
		return false
	}
	p = p.general()
	ga := c.hasRole(RoleGlobalAdministrator)
	ua := c.hasRole(RoleUserAdministrator)
	switch p {
	case permRead:
		return c.user.UserType == Member || ga || ua
	case permInvite:
		return ga || ua || c.hasRole(RoleGuestInviter)
	case permManage:
		return ga || ua
	case permSettings:
		return ga
	}
	return false
}

// require checks a tenant-level permission: KindForbidden when missing.
func (c *caller) require(tenantID string, p perm) error {
	if c.may(tenantID, p) {
		return nil
	}
	return Errorf(KindForbidden, "you do not have permission to do this in this organization")
}

// requireObject checks a permission on an object of tenantID: an actor of
// another tenant (or a guest, who may not know the object) gets the same
// KindNotFound as for an object that does not exist; a member who may see
// but not change it gets KindForbidden.
func (c *caller) requireObject(tenantID string, p perm, what string) error {
	return c.requireObjectTo(tenantID, p, "change", what)
}

// requireObjectTo is requireObject whose refusal names the action (read,
// change, manage), so that a refused read does not speak of a change.
func (c *caller) requireObjectTo(tenantID string, p perm, verb, what string) error {
	if c.may(tenantID, p) {
		return nil
	}
	if !c.inTenant(tenantID) || !c.may(tenantID, permRead) {
		return notFound(what)
	}
	return Errorf(KindForbidden, "you do not have permission to %s this %s", verb, what)
}

// requireUserChange is requireObject(permManage) for an operation on the
// user idOrUPN, except that the caller's own user, which even a guest may
// read, is KindForbidden: what GET answers 200 for, PATCH must not answer
// "not found".
func (o *op) requireUserChange(tenantID, idOrUPN string) error {
	err := o.c.requireObject(tenantID, permManageUsers, "user")
	if !IsKind(err, KindNotFound) || o.c.user == nil || o.c.user.TenantID != tenantID {
		return err
	}
	if u, uerr := o.liveUser(tenantID, idOrUPN); uerr == nil && o.c.isSelf(tenantID, u.ID) {
		return Errorf(KindForbidden, "you do not have permission to change this user")
	}
	return err
}

// initiator names the caller in audit records.
func (c *caller) initiator() AuditInitiator {
	switch {
	case c.system():
		return AuditInitiator{AppName: c.actor.System}
	case c.user != nil:
		return userInitiator(c.user)
	case c.app != nil:
		return AuditInitiator{AppID: c.app.ID, AppName: c.app.DisplayName}
	}
	return AuditInitiator{AppName: "orgdir"}
}

func userInitiator(u *User) AuditInitiator {
	return AuditInitiator{UserID: u.ID, DisplayName: u.DisplayName, UPN: u.UserPrincipalName}
}

func notFound(what string) *Error { return Errorf(KindNotFound, "%s not found", what) }

// op is one operation's transaction with its loaded caller, its time and
// its correlation id.
type op struct {
	ctx  context.Context
	tx   Tx
	c    *caller
	now  time.Time
	corr string
	s    *Service
	// held, when set, collects the op's audit records for one multi-row
	// write before the transaction ends (a bulk operation's batch).
	held *[]*AuditEvent
	// logged: the op wrote to the change log (Options.OnChange is told
	// after commit).
	logged bool
}

// clock returns the service time in UTC, at the precision every store
// keeps (microseconds), so what is written reads back equal.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

func (s *Service) newOp(ctx context.Context, tx Tx, c *caller) *op {
	corr := CorrelationID(ctx)
	if corr == "" {
		corr = s.newID()
	}
	return &op{ctx: ctx, tx: tx, c: c, now: s.clock(), corr: corr, s: s}
}

// write runs fn in one write transaction as the actor of ctx.
func (s *Service) write(ctx context.Context, fn func(o *op) error) error {
	return s.writeAs(ctx, false, fn)
}

func (s *Service) writeAs(ctx context.Context, allowDisabled bool, fn func(o *op) error) error {
	var last *op
	err := s.store.Write(ctx, func(tx Tx) error {
		c, err := loadCaller(ctx, tx, allowDisabled)
		if err != nil {
			return err
		}
		last = s.newOp(ctx, tx, c)
		return fn(last)
	})
	if err == nil && last.logged && s.opts.OnChange != nil {
		s.opts.OnChange()
	}
	return wrap(err)
}

// read runs fn in one read transaction as the actor of ctx.
func (s *Service) read(ctx context.Context, fn func(o *op) error) error {
	err := s.store.Read(ctx, func(tx Tx) error {
		c, err := loadCaller(ctx, tx, false)
		if err != nil {
			return err
		}
		return fn(s.newOp(ctx, tx, c))
	})
	return wrap(err)
}

// wrap turns foreign errors into KindInternal so every error of the
// Service is an *Error.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	return AsError(err)
}

// tenant loads tenantID; a malformed id is KindNotFound like an unknown one.
func (o *op) tenant(tenantID string) (*Tenant, error) {
	if !ValidID(tenantID) {
		return nil, notFound("organization")
	}
	t, err := o.tx.GetTenant(o.ctx, tenantID)
	if IsKind(err, KindNotFound) {
		return nil, notFound("organization")
	}
	return t, err
}

// user loads a user of tenantID by id or userPrincipalName, live or deleted.
// A malformed id is KindNotFound like an unknown one.
func (o *op) user(tenantID, idOrUPN string) (*User, error) {
	var u *User
	var err error
	switch {
	case ValidID(idOrUPN):
		u, err = o.tx.GetUser(o.ctx, tenantID, idOrUPN)
	case isPlausibleUPN(idOrUPN):
		u, err = o.tx.GetUserByUPN(o.ctx, tenantID, idOrUPN)
		if err == nil {
			// Read it again by id: in a Write that locks the row (the
			// by-UPN lookup does not), so that a concurrent change of the
			// same user waits for this one, as when it is named by id.
			u, err = o.tx.GetUser(o.ctx, tenantID, u.ID)
		}
	default:
		return nil, notFound("user")
	}
	if IsKind(err, KindNotFound) {
		return nil, notFound("user")
	}
	return u, err
}

// liveUser is user, with deleted users KindNotFound.
func (o *op) liveUser(tenantID, idOrUPN string) (*User, error) {
	u, err := o.user(tenantID, idOrUPN)
	if err != nil {
		return nil, err
	}
	if u.Deleted() {
		return nil, notFound("user")
	}
	return u, nil
}

// readableUser returns a live user the caller may see: members and admins
// see every user of their tenant, a guest only themselves.
func (o *op) readableUser(tenantID, idOrUPN string) (*User, error) {
	if !o.c.inTenant(tenantID) {
		return nil, notFound("user")
	}
	u, err := o.liveUser(tenantID, idOrUPN)
	if err != nil {
		return nil, err
	}
	if !o.c.may(tenantID, permReadUsers) && !o.c.isSelf(tenantID, u.ID) {
		return nil, notFound("user")
	}
	return u, nil
}

// guardAdmin refuses a User Administrator changing a Global Administrator
// (as in Entra, only a Global Administrator may).
func (o *op) guardAdmin(target *User) error {
	if o.c.system() || o.c.hasRole(RoleGlobalAdministrator) || o.c.isSelf(target.TenantID, target.ID) {
		return nil
	}
	roles, err := o.tx.ListRoles(o.ctx, target.TenantID, target.ID)
	if err != nil {
		return err
	}
	if slices.Contains(roles, RoleGlobalAdministrator) {
		return Errorf(KindForbidden, "only a Global Administrator may change a Global Administrator")
	}
	return nil
}

// readResult runs fn in one read transaction as the actor of ctx and
// returns what it returns.
func readResult[T any](s *Service, ctx context.Context, fn func(o *op) (T, error)) (T, error) {
	var out T
	err := s.read(ctx, func(o *op) error {
		var err error
		out, err = fn(o)
		return err
	})
	return out, err
}

// writeResult runs fn in one write transaction as the actor of ctx and
// returns what it returns, or the zero T when the transaction failed.
func writeResult[T any](s *Service, ctx context.Context, fn func(o *op) (T, error)) (T, error) {
	var out T
	err := s.write(ctx, func(o *op) error {
		var err error
		out, err = fn(o)
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

// permittedTenant loads tenantID once the caller is known to have p in it.
func (o *op) permittedTenant(tenantID string, p perm) (*Tenant, error) {
	if err := o.c.require(tenantID, p); err != nil {
		return nil, err
	}
	return o.tenant(tenantID)
}

// visibleObject loads the object id of tenantID with get, for a caller who
// may see it: members see every one, anyone else only those guestHolds
// reports they hold. Unknown, malformed and hidden ids are all KindNotFound
// naming what, so a guest learns nothing of objects it cannot see.
func visibleObject[T any](o *op, p perm, tenantID, id, what string,
	get func(ctx context.Context, tenantID, id string) (T, error),
	guestHolds func(x T) (bool, error)) (T, error) {
	var zero T
	if !o.c.inTenant(tenantID) || !ValidID(id) {
		return zero, notFound(what)
	}
	x, err := get(o.ctx, tenantID, id)
	if IsKind(err, KindNotFound) {
		return zero, notFound(what)
	}
	if err != nil {
		return zero, err
	}
	if o.c.may(tenantID, p) {
		return x, nil
	}
	if o.c.user == nil {
		return zero, notFound(what)
	}
	held, err := guestHolds(x)
	if err != nil {
		return zero, err
	}
	if !held {
		return zero, notFound(what)
	}
	return x, nil
}

// Capabilities is what the caller may do in one tenant, for interfaces
// that show or hide actions. The operations still decide each time.
type Capabilities struct {
	Read     bool // see the tenant's users, groups and applications
	Invite   bool // invite external users
	Manage   bool // manage users, groups, apps, deleted users; read the audit log
	Settings bool // change the tenant's settings and grant Global Administrator
}

// Admin reports whether the caller administers the tenant (the admin
// portal's audience): Global and User Administrators.
func (c Capabilities) Admin() bool { return c.Manage }

// Capabilities returns what the actor of ctx may do in tenantID. An actor
// of another tenant, or none that can act, may do nothing (not an error).
func (s *Service) Capabilities(ctx context.Context, tenantID string) (Capabilities, error) {
	c, err := readResult(s, ctx, func(o *op) (Capabilities, error) {
		return Capabilities{
			Read:     o.c.may(tenantID, permRead),
			Invite:   o.c.may(tenantID, permInvite),
			Manage:   o.c.may(tenantID, permManage),
			Settings: o.c.may(tenantID, permSettings),
		}, nil
	})
	if IsKind(err, KindUnauthenticated) {
		return Capabilities{}, nil
	}
	return c, err
}

// loadAppCaller loads an application actor: the app must still be the
// tenant's, and it holds the permissions of its token that are still
// granted, so a grant removed ends at once, while a grant added needs a
// new token (as Entra's tokens carry them).
func loadAppCaller(ctx context.Context, tx Tx, a Actor) (*caller, error) {
	if !ValidID(a.AppID) || !ValidID(a.TenantID) {
		return nil, errNoActor
	}
	app, err := tx.GetApplication(ctx, a.TenantID, a.AppID)
	if IsKind(err, KindNotFound) {
		return nil, errNoActor
	}
	if err != nil {
		return nil, err
	}
	grants, err := tx.ListAPIPermissionGrants(ctx, a.TenantID, a.AppID)
	if err != nil {
		return nil, err
	}
	var perms []string
	for _, g := range grants {
		if p, ok := LookupAPIPermission(g.AppRoleID); ok && slices.Contains(a.AppRoles, p.Value) {
			perms = append(perms, p.Value)
		}
	}
	return &caller{actor: a, app: app, perms: perms}, nil
}
