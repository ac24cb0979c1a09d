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
	var refused *SignInEvent
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
			if why != "" && sess.HomeUserID != "" {
				refused = s.signInRecord(ctx, sess.HomeTenantID, MethodSession, false).failed(sessionRefusalCode(why), why)
				if u, err := tx.GetUser(ctx, sess.HomeTenantID, sess.HomeUserID); err == nil {
					refused.naming(u)
				}
			}
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
		_ = s.recordSignIn(ctx, refused)
		return nil, unauthenticated("you were signed out: " + gone)
	}
	return sess, nil
}

// sessionRefusalCode is the sign-in log's code for a reason sessionPerson
// gives.
func sessionRefusalCode(why string) int {
	switch why {
	case whyDisabled:
		return SignInAccountDisabled
	case whyDeleted, whyEmailRemoved:
		return SignInUnknownUser
	case whyRevoked:
		return SignInSessionsRevoked
	}
	return SignInNotInTenant
}

// Why sessionPerson refuses a session, as the person is told.
const (
	whyDeleted      = "your account was deleted"
	whyDisabled     = "your account was disabled; contact your organization's administrator"
	whyRevoked      = "your sign-in sessions were ended; sign in again"
	whyEmailRemoved = "your sign-in e-mail address was removed"
)

// sessionPerson loads the person of sess, or says why they may no longer
// use it.
func (o *op) sessionPerson(sess *Session) (*person, string, error) {
	if sess.HomeUserID != "" {
		u, err := o.tx.GetUser(o.ctx, sess.HomeTenantID, sess.HomeUserID)
		switch {
		case IsKind(err, KindNotFound):
			return nil, whyDeleted, nil
		case err != nil:
			return nil, "", err
		case u.Deleted():
			return nil, whyDeleted, nil
		case !u.AccountEnabled:
			return nil, whyDisabled, nil
		case !u.IssuedValid(sess.CreatedAt):
			return nil, whyRevoked, nil
		}
		return &person{home: u}, "", nil
	}
	e, err := o.tx.GetEmailIdentity(o.ctx, sess.EmailIdentityID)
	if IsKind(err, KindNotFound) {
		return nil, whyEmailRemoved, nil
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
		if IsKind(err, KindNotFound) || IsKind(err, KindAccountDisabled) {
			s.recordTenantRefusal(ctx, sess, tenantID, err)
		}
		return err
	}
	err = s.changeSession(ctx, sess, func(o *op, cur *Session) {
		cur.SignedIn = slices.DeleteFunc(cur.SignedIn, func(t TenantSignIn) bool { return t.TenantID == tenantID })
		if tenantID != cur.HomeTenantID {
			cur.SignedIn = append(cur.SignedIn, TenantSignIn{TenantID: tenantID, At: o.issueTime(guest)})
		}
	})
	if err != nil || tenantID == sess.HomeTenantID {
		return err // at home, the password sign-in was the record
	}
	return s.recordSignIn(ctx, s.guestRecord(ctx, sess, tenantID).naming(guest))
}

// guestRecord is a record of the session's person entering tenantID as a
// guest: with their home session, or with the passcode session.
func (s *Service) guestRecord(ctx context.Context, sess *Session, tenantID string) *SignInEvent {
	method := MethodSession
	if sess.EmailIdentityID != "" {
		method = MethodPasscode
	}
	rec := s.signInRecord(ctx, tenantID, method, true)
	rec.HomeTenantID = sess.HomeTenantID
	return rec
}

// recordTenantRefusal records why the session's person could not enter
// tenantID, naming the guest object they have there, if any (deleted,
// not yet accepted, disabled). An unknown tenant is recorded nowhere.
func (s *Service) recordTenantRefusal(ctx context.Context, sess *Session, tenantID string, refusal error) {
	rec := s.guestRecord(ctx, sess, tenantID)
	rec.failed(SignInNotInTenant, "the person has no account in this organization")
	err := s.store.Read(ctx, func(tx Tx) error {
		if _, err := tx.GetTenant(ctx, tenantID); err != nil {
			return err
		}
		users, err := tx.ListUsersByHome(ctx, sess.HomeUserID, sess.EmailIdentityID)
		if err != nil {
			return err
		}
		for _, u := range users {
			if u.TenantID != tenantID {
				continue
			}
			rec.naming(u)
			switch {
			case IsKind(refusal, KindAccountDisabled):
				rec.failed(SignInAccountDisabled, "the guest is disabled in this organization")
			case u.Deleted():
				rec.failed(SignInNotInTenant, "the guest was deleted (left or removed)")
			case u.ExternalUserState != Accepted:
				rec.failed(SignInNotInTenant, "the invitation is not yet accepted")
			}
			if !u.Deleted() {
				break // a live one says more than one deleted earlier
			}
		}
		return nil
	})
	if err == nil {
		_ = s.recordSignIn(ctx, rec)
	}
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
