package directory

import (
	"context"
	"crypto/rand"
	"slices"
	"time"
)

// Browser sessions. A session belongs to a person (a home member, or an
// e-mail identity); it may also be signed in to tenants where the person is
// a guest. Each of these is checked against the user objects on every use.

// StartSession creates a browser session for the actor's person, who has
// just proved who they are (a password or a passcode), and returns the
// cookie value; only its SHA-256 is stored. The actor is a member user
// acting at home, or an e-mail identity.
func (s *Service) StartSession(ctx context.Context) (string, *Session, error) {
	secret, err := RandomSecret(32)
	if err != nil {
		return "", nil, Internal(err)
	}
	csrf := make([]byte, 32)
	if _, err := rand.Read(csrf); err != nil {
		return "", nil, Internal(err)
	}
	sess, err := writeResult(s, ctx, func(o *op) (*Session, error) {
		at := o.issueTime(o.c.user)
		sess := &Session{ID: o.s.newID(), TokenHash: HashSecret(secret), CSRFSecret: csrf,
			CreatedAt: at, ExpiresAt: at.Add(s.sessionTTL())}
		switch c := o.c; {
		case c.user != nil && !c.user.External():
			sess.HomeTenantID, sess.HomeUserID = c.user.TenantID, c.user.ID
		case c.email != nil:
			sess.EmailIdentityID = c.email.ID
		default:
			return nil, Invalidf("actor", "a session is started by a person signing in at home or by e-mail passcode")
		}
		return sess, o.tx.CreateSession(o.ctx, sess)
	})
	if err != nil {
		return "", nil, err
	}
	return secret, sess, nil
}

func (s *Service) sessionTTL() time.Duration {
	if s.opts.SessionTTL > 0 {
		return s.opts.SessionTTL
	}
	return DefaultSessionTTL
}

// LookupSession returns the live session of a cookie value, with SignedIn
// narrowed to the guest sign-ins that still count. An unknown, expired or
// ended session is KindUnauthenticated, and so is one whose person can no
// longer use it (home user disabled, deleted, gone or revoked since the
// session began; e-mail identity erased): that session is ended on the
// spot, on every instance alike, since the facts are in the store.
func (s *Service) LookupSession(ctx context.Context, secret string) (*Session, error) {
	if secret == "" || len(secret) > maxSecretLen {
		return nil, unauthenticated("not signed in")
	}
	now := s.clock()
	var sess *Session
	var gone string
	err := s.store.Read(ctx, func(tx Tx) error {
		o := s.newOp(ctx, tx, nil)
		var err error
		if sess, err = tx.GetSessionByHash(ctx, HashSecret(secret)); err != nil {
			return err
		}
		if sess.RevokedAt != nil || !now.Before(sess.ExpiresAt) {
			return unauthenticated("your session has ended; sign in again")
		}
		p, why, err := o.sessionPerson(sess)
		if err != nil || why != "" {
			gone = why
			return err
		}
		sess.SignedIn, err = o.validSignIns(p, sess.SignedIn)
		return err
	})
	if IsKind(err, KindNotFound) {
		return nil, unauthenticated("not signed in")
	}
	if err != nil {
		return nil, wrap(err)
	}
	if gone != "" {
		if err := s.endSession(ctx, sess.TokenHash); err != nil {
			return nil, err
		}
		return nil, unauthenticated("you were signed out: " + gone)
	}
	return sess, nil
}

// sessionPerson loads the person of sess, or says why they may no longer
// use it.
func (o *op) sessionPerson(sess *Session) (*person, string, error) {
	if sess.HomeUserID != "" {
		u, err := o.tx.GetUser(o.ctx, sess.HomeTenantID, sess.HomeUserID)
		switch {
		case IsKind(err, KindNotFound):
			return nil, "your account was deleted", nil
		case err != nil:
			return nil, "", err
		case u.Deleted():
			return nil, "your account was deleted", nil
		case !u.AccountEnabled:
			return nil, "your account was disabled; contact your organization's administrator", nil
		case !u.IssuedValid(sess.CreatedAt):
			return nil, "your sign-in sessions were ended; sign in again", nil
		}
		return &person{home: u}, "", nil
	}
	e, err := o.tx.GetEmailIdentity(o.ctx, sess.EmailIdentityID)
	if IsKind(err, KindNotFound) {
		return nil, "your sign-in e-mail address was removed", nil
	}
	if err != nil {
		return nil, "", err
	}
	return &person{email: e}, "", nil
}

// validSignIns keeps the guest sign-ins whose guest user is still live,
// enabled and not revoked since the sign-in.
func (o *op) validSignIns(p *person, in []TenantSignIn) ([]TenantSignIn, error) {
	if len(in) == 0 {
		return nil, nil
	}
	users, err := o.bound(p)
	if err != nil {
		return nil, err
	}
	var out []TenantSignIn
	for _, si := range in {
		for _, u := range users {
			if u.TenantID == si.TenantID && !u.Deleted() && u.AccountEnabled &&
				u.ExternalUserState == Accepted && u.IssuedValid(si.At) {
				out = append(out, si)
				break
			}
		}
	}
	return out, nil
}

// AddSessionTenant records that the session of the actor's person signed
// in to tenantID, where the person has a live, enabled guest account
// (SignInToTenant's rules). Signing in again renews the time.
func (s *Service) AddSessionTenant(ctx context.Context, sess *Session, tenantID string) error {
	guest, err := s.SignInToTenant(ctx, tenantID)
	if err != nil {
		return err
	}
	return s.changeSession(ctx, sess, func(o *op, cur *Session) {
		cur.SignedIn = slices.DeleteFunc(cur.SignedIn, func(t TenantSignIn) bool { return t.TenantID == tenantID })
		if tenantID != cur.HomeTenantID {
			cur.SignedIn = append(cur.SignedIn, TenantSignIn{TenantID: tenantID, At: o.issueTime(guest)})
		}
	})
}

// RemoveSessionTenant forgets a tenant the session was signed in to (after
// the person left it).
func (s *Service) RemoveSessionTenant(ctx context.Context, sess *Session, tenantID string) error {
	return s.changeSession(ctx, sess, func(_ *op, cur *Session) {
		cur.SignedIn = slices.DeleteFunc(cur.SignedIn, func(t TenantSignIn) bool { return t.TenantID == tenantID })
	})
}

// changeSession reads the session anew in a write as its own person and
// applies fn to it; sess takes the result.
func (s *Service) changeSession(ctx context.Context, sess *Session, fn func(o *op, cur *Session)) error {
	return s.write(ctx, func(o *op) error {
		cur, err := o.ownSession(sess)
		if err != nil {
			return err
		}
		fn(o, cur)
		if err := o.tx.UpdateSession(o.ctx, cur); err != nil {
			return err
		}
		sess.SignedIn = cur.SignedIn
		return nil
	})
}

// ownSession loads sess again, as the actor's own session.
func (o *op) ownSession(sess *Session) (*Session, error) {
	cur, err := o.tx.GetSessionByHash(o.ctx, sess.TokenHash)
	if IsKind(err, KindNotFound) {
		return nil, unauthenticated("your session has ended; sign in again")
	}
	if err != nil {
		return nil, err
	}
	a := o.c.actor
	mine := (cur.HomeUserID != "" && a.TenantID == cur.HomeTenantID && a.UserID == cur.HomeUserID) ||
		(cur.EmailIdentityID != "" && a.EmailIdentityID == cur.EmailIdentityID)
	if !mine {
		return nil, unauthenticated("not signed in")
	}
	return cur, nil
}

// EndSession signs the session out: the cookie value stops working at
// once, on every instance. Ending an ended session is not an error.
func (s *Service) EndSession(ctx context.Context, sess *Session) error {
	return s.endSession(ctx, sess.TokenHash)
}

func (s *Service) endSession(ctx context.Context, hash []byte) error {
	return wrap(s.store.Write(ctx, func(tx Tx) error {
		cur, err := tx.GetSessionByHash(ctx, hash)
		if IsKind(err, KindNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		err = tx.DeleteSession(ctx, cur.ID)
		if IsKind(err, KindNotFound) {
			return nil
		}
		return err
	}))
}
