package directory

import (
	"context"
	"errors"
	"strings"
)

// CreateUser creates a member of the tenant (Global and User
// Administrators). The userPrincipalName must end in the tenant's initial
// domain; the password, when given, is hashed before the transaction.
func (s *Service) CreateUser(ctx context.Context, tenantID string, nu NewUser) (*User, error) {
	p, err := s.prepareUser(nu)
	if err != nil {
		return nil, err
	}
	var u *User
	err = s.write(ctx, func(o *op) error {
		if err := o.c.require(tenantID, permManageUsers); err != nil {
			return err
		}
		t, err := o.tenant(tenantID)
		if err != nil {
			return err
		}
		u, err = o.createUser(t, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// createUser does CreateUser's writes in the op, for a caller who may
// create users in t.
func (o *op) createUser(t *Tenant, p *preparedUser) (*User, error) {
	upn, err := validMemberUPN("userPrincipalName", p.nu.UserPrincipalName, t.InitialDomain)
	if err != nil {
		return nil, err
	}
	enabled := p.nu.AccountEnabled == nil || *p.nu.AccountEnabled
	u := &User{
		ID: o.s.newID(), TenantID: t.ID, UserPrincipalName: upn, Mail: p.mail, DisplayName: p.name,
		UserType: Member, AccountEnabled: enabled, CreatedAt: o.now,
		Identities: []ObjectIdentity{{SignInType: SignInTypeUserPrincipalName, Issuer: t.InitialDomain, IssuerAssignedID: upn}},
	}
	if err := o.tx.CreateUser(o.ctx, u); err != nil {
		if IsKind(err, KindConflict) {
			return nil, Errorf(KindConflict, "a user with userPrincipalName %s or mail %s already exists", upn, p.mail)
		}
		return nil, err
	}
	if p.hash != "" {
		if err := o.tx.SetPasswordHash(o.ctx, t.ID, u.ID, p.hash); err != nil {
			return nil, err
		}
	}
	if err := o.audit(o.event(t.ID, ActivityAddUser, CategoryUserManagement, opAdd, userTarget(u))); err != nil {
		return nil, err
	}
	return u, nil
}

// GetUser returns a live user by id or userPrincipalName. Members see every
// user of their tenant; a guest sees only themselves.
func (s *Service) GetUser(ctx context.Context, tenantID, idOrUPN string) (*User, error) {
	var u *User
	err := s.read(ctx, func(o *op) error {
		var err error
		u, err = o.readableUser(tenantID, idOrUPN)
		return err
	})
	return u, err
}

// ListUsers lists live users of the tenant to members and administrators,
// or its Deleted users (q.Deleted) to Global and User Administrators.
// Guests may not list users.
func (s *Service) ListUsers(ctx context.Context, tenantID string, q UserQuery) ([]*User, error) {
	if err := validLimit("limit", q.Limit); err != nil {
		return nil, err
	}
	if err := validUserQuery(q); err != nil {
		return nil, err
	}
	var out []*User
	err := s.read(ctx, func(o *op) error {
		if err := o.requireUserListing(tenantID, q); err != nil {
			return err
		}
		var err error
		out, err = o.tx.ListUsers(o.ctx, tenantID, q)
		return err
	})
	return out, err
}

// CountUsers counts what ListUsers would list, on every page.
func (s *Service) CountUsers(ctx context.Context, tenantID string, q UserQuery) (int, error) {
	if err := validUserQuery(q); err != nil {
		return 0, err
	}
	var n int
	err := s.read(ctx, func(o *op) error {
		if err := o.requireUserListing(tenantID, q); err != nil {
			return err
		}
		var err error
		n, err = o.tx.CountUsers(o.ctx, tenantID, q)
		return err
	})
	return n, err
}

func (o *op) requireUserListing(tenantID string, q UserQuery) error {
	switch q.OrderBy {
	case OrderByID, OrderByDisplayName, OrderByDeletedDateTime:
	default:
		return Invalidf("orderBy", "orderBy must be displayName or deletedDateTime, not %q", q.OrderBy)
	}
	if q.OrderBy == OrderByDeletedDateTime && !q.Deleted {
		return Invalidf("orderBy", "orderBy deletedDateTime is only for deleted users")
	}
	p := permReadUsers
	if q.Deleted {
		p = permManage
	}
	if err := o.c.require(tenantID, p); err != nil {
		return err
	}
	_, err := o.tenant(tenantID)
	return err
}

// UpdateUser changes a live user's display name, mail or enabled state
// (Global and User Administrators). Enabling and disabling are audited as
// such; other changes as "Update user" with their old and new values.
func (s *Service) UpdateUser(ctx context.Context, tenantID, idOrUPN string, p UserPatch) (*User, error) {
	var name, mailAddr string
	var err error
	if p.DisplayName != nil {
		if name, err = validDisplayName("displayName", *p.DisplayName); err != nil {
			return nil, err
		}
	}
	if p.Mail != nil && strings.TrimSpace(*p.Mail) != "" {
		if mailAddr, err = ValidateEmail("mail", *p.Mail); err != nil {
			return nil, err
		}
	}
	var u *User
	err = s.write(ctx, func(o *op) error {
		if err := o.requireUserChange(tenantID, idOrUPN); err != nil {
			return err
		}
		old, err := o.liveUser(tenantID, idOrUPN)
		if err != nil {
			return err
		}
		if err := o.guardAdmin(old); err != nil {
			return err
		}
		nu := *old
		if p.DisplayName != nil {
			nu.DisplayName = name
		}
		if p.Mail != nil {
			nu.Mail = mailAddr
		}
		if p.AccountEnabled != nil {
			nu.AccountEnabled = *p.AccountEnabled
		}
		if o.c.isSelf(tenantID, old.ID) && !nu.AccountEnabled {
			return Errorf(KindConflict, "you cannot disable your own account")
		}
		u = &nu
		var props []ModifiedProperty
		if m, ok := changed("DisplayName", old.DisplayName, nu.DisplayName); ok {
			props = append(props, m)
		}
		if m, ok := changed("Mail", old.Mail, nu.Mail); ok {
			props = append(props, m)
		}
		enabledChanged := old.AccountEnabled != nu.AccountEnabled
		if len(props) == 0 && !enabledChanged {
			return nil
		}
		if enabledChanged && !nu.AccountEnabled {
			o.revokeCredentials(&nu)
		}
		if err := o.tx.UpdateUser(o.ctx, &nu); err != nil {
			if IsKind(err, KindConflict) {
				return Errorf(KindConflict, "another user already has mail %s", nu.Mail)
			}
			return err
		}
		if len(props) > 0 {
			if err := o.audit(o.event(tenantID, ActivityUpdateUser, CategoryUserManagement, opUpdate, userTarget(&nu, props...))); err != nil {
				return err
			}
		}
		if enabledChanged {
			activity := ActivityDisableAccount
			if nu.AccountEnabled {
				activity = ActivityEnableAccount
			}
			m, _ := changed("AccountEnabled", old.AccountEnabled, nu.AccountEnabled)
			return o.audit(o.event(tenantID, activity, CategoryUserManagement, opUpdate, userTarget(&nu, m)))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Service) hashPassword(password string) (string, error) {
	if err := validPassword("password", password); err != nil {
		return "", err
	}
	if s.hasher == nil {
		return "", Internal(errNoHasher)
	}
	h, err := s.hasher.Hash(password)
	if err != nil {
		return "", Internal(err)
	}
	return h, nil
}

var errNoHasher = errors.New("directory: no PasswordHasher configured")

// SetPassword sets a member's password: Global and User Administrators for
// their tenant's members, or the member themselves. Guests sign in with
// their home identity and have no password here.
func (s *Service) SetPassword(ctx context.Context, tenantID, userID, password string) error {
	hash, err := s.hashPassword(password)
	if err != nil {
		return err
	}
	return s.write(ctx, func(o *op) error {
		if !o.c.isSelf(tenantID, userID) {
			if err := o.c.requireObject(tenantID, permManage, "user"); err != nil {
				return err
			}
		}
		u, err := o.liveUser(tenantID, userID)
		if err != nil {
			return err
		}
		if u.External() {
			return Invalidf("userId", "%s is an external user who signs in at home; it has no password here", u.UserPrincipalName)
		}
		if err := o.guardAdmin(u); err != nil {
			return err
		}
		if err := o.tx.SetPasswordHash(o.ctx, tenantID, u.ID, hash); err != nil {
			return err
		}
		// A new password ends every session and token of the old one.
		o.revokeCredentials(u)
		if err := o.tx.UpdateUser(o.ctx, u); err != nil {
			return err
		}
		return o.audit(o.event(tenantID, ActivityResetPassword, CategoryUserManagement, opUpdate, userTarget(u)))
	})
}

var errBadCredentials = Errorf(KindUnauthenticated, "the user name or password is incorrect")

// CheckPassword returns the live, enabled member whose UPN and password
// match; any mismatch is KindUnauthenticated with one generic message. A
// disabled account is KindAccountDisabled with the tenant's contact, but
// only once the password matched, so the state of an account is not told
// to whoever guesses its name. It does not throttle guessing: adapters
// sign people in with SignInWithPassword.
func (s *Service) CheckPassword(ctx context.Context, upn, password string) (*User, error) {
	a := s.checkPassword(ctx, upn, password)
	return a.user, a.err
}

// passwordAttempt is the outcome of a password check, with what the
// sign-in log records of it: the tenant and user the name led to (nil when
// none) and, on failure, Entra's code and the reason (for admins only).
type passwordAttempt struct {
	tenant *Tenant
	user   *User
	code   int
	reason string
	err    error
}

func (s *Service) checkPassword(ctx context.Context, upn, password string) passwordAttempt {
	upn = strings.TrimSpace(upn)
	at := strings.LastIndexByte(upn, '@')
	if at <= 0 || password == "" || !plainText(upn) || validDomainSyntax(strings.ToLower(upn[at+1:])) != nil {
		return passwordAttempt{err: errBadCredentials}
	}
	if s.hasher == nil {
		return passwordAttempt{err: Internal(errNoHasher)}
	}
	var a passwordAttempt
	var hash string
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		a.tenant, err = tx.GetTenantByDomain(ctx, strings.ToLower(upn[at+1:]))
		if err != nil {
			return err
		}
		a.user, err = tx.GetUserByUPN(ctx, a.tenant.ID, upn)
		if err != nil {
			return err
		}
		hash, err = tx.GetPasswordHash(ctx, a.tenant.ID, a.user.ID)
		return err
	})
	fail := func(code int, reason string, err error) passwordAttempt {
		a.code, a.reason, a.err = code, reason, err
		return a
	}
	if IsKind(err, KindNotFound) {
		s.burnVerify(password)
		switch {
		case a.tenant == nil:
			return fail(SignInUnknownUser, "no organization has this domain", errBadCredentials)
		case a.user == nil:
			return fail(SignInUnknownUser, "no user has this name in the organization", errBadCredentials)
		}
		return fail(SignInWrongPassword, "the user has no password", errBadCredentials)
	}
	if err != nil {
		return passwordAttempt{err: wrap(err)}
	}
	switch {
	case a.user.Deleted():
		s.burnVerify(password)
		return fail(SignInUnknownUser, "the user is deleted", errBadCredentials)
	case a.user.External():
		s.burnVerify(password)
		return fail(SignInUnknownUser, "the user is a guest, who signs in with their own identity", errBadCredentials)
	case hash == "":
		s.burnVerify(password)
		return fail(SignInWrongPassword, "the user has no password", errBadCredentials)
	}
	ok, err := s.hasher.Verify(hash, password)
	if err != nil {
		return passwordAttempt{err: Internal(err)}
	}
	if !ok {
		return fail(SignInWrongPassword, "wrong password", errBadCredentials)
	}
	if !a.user.AccountEnabled {
		e := Errorf(KindAccountDisabled, "your account in %s is disabled; contact its administrator", a.tenant.DisplayName)
		e.Contact = a.tenant.Contact()
		return fail(SignInAccountDisabled, "the user is disabled", e)
	}
	return a
}

// burnVerify spends the time of one password check, so an unknown user
// name answers as slowly as a wrong password and timing tells nothing.
func (s *Service) burnVerify(password string) {
	s.dummyOnce.Do(func() { s.dummyHash, _ = s.hasher.Hash("orgdir dummy password") })
	if s.dummyHash != "" {
		_, _ = s.hasher.Verify(s.dummyHash, password)
	}
}
