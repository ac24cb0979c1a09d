package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// DefaultSessionTTL is how long a browser session lasts after sign-in.
const DefaultSessionTTL = 12 * time.Hour

// Sessions creates, finds and revokes browser sessions. The cookie carries
// a random secret; the store keeps only its SHA-256, so a leaked database
// does not hand out sessions.
type Sessions struct {
	Store directory.Store
	Clock directory.Clock // default time.Now
	TTL   time.Duration   // default DefaultSessionTTL
}

func (m *Sessions) now() time.Time {
	if m.Clock == nil {
		return time.Now()
	}
	return m.Clock()
}

func (m *Sessions) ttl() time.Duration {
	if m.TTL <= 0 {
		return DefaultSessionTTL
	}
	return m.TTL
}

// RandomSecret returns n random bytes, base64url-encoded without padding.
func RandomSecret(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashSecret is the SHA-256 of a cookie or token secret, as stored.
func HashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Start creates a session for a person signed in at home (tenantID and
// userID) or by e-mail passcode (emailIdentityID), and returns the cookie
// value.
func (m *Sessions) Start(ctx context.Context, tenantID, userID, emailIdentityID string) (string, *directory.Session, error) {
	if (userID == "") == (emailIdentityID == "") {
		return "", nil, directory.Errorf(directory.KindInvalid, "a session needs either a home user or an e-mail identity")
	}
	secret, err := RandomSecret(32)
	if err != nil {
		return "", nil, directory.Internal(err)
	}
	csrf := make([]byte, 32)
	if _, err := rand.Read(csrf); err != nil {
		return "", nil, directory.Internal(err)
	}
	now := m.now().UTC()
	s := &directory.Session{
		ID:              directory.NewID(),
		TokenHash:       HashSecret(secret),
		HomeTenantID:    tenantID,
		HomeUserID:      userID,
		EmailIdentityID: emailIdentityID,
		CSRFSecret:      csrf,
		CreatedAt:       now,
		ExpiresAt:       now.Add(m.ttl()),
	}
	if err := m.Store.Write(ctx, func(tx directory.Tx) error { return tx.CreateSession(ctx, s) }); err != nil {
		return "", nil, err
	}
	return secret, s, nil
}

// Lookup returns the live session of a cookie value. An unknown, expired
// or revoked session is KindUnauthenticated. So is the session of a person
// whose home user was disabled or deleted, or whose e-mail identity was
// erased, since it started: that session is revoked on the spot, so that
// disabling an account signs it out everywhere at once.
func (m *Sessions) Lookup(ctx context.Context, secret string) (*directory.Session, error) {
	if secret == "" {
		return nil, directory.Errorf(directory.KindUnauthenticated, "not signed in")
	}
	var s *directory.Session
	var gone string // why the person can no longer use the session
	err := m.Store.Read(ctx, func(tx directory.Tx) error {
		var err error
		s, err = tx.GetSessionByHash(ctx, HashSecret(secret))
		if err != nil {
			return err
		}
		gone, err = personGone(ctx, tx, s)
		return err
	})
	if directory.IsKind(err, directory.KindNotFound) {
		return nil, directory.Errorf(directory.KindUnauthenticated, "not signed in")
	}
	if err != nil {
		return nil, err
	}
	if s.RevokedAt != nil || !m.now().Before(s.ExpiresAt) {
		return nil, directory.Errorf(directory.KindUnauthenticated, "your session has ended; sign in again")
	}
	if gone != "" {
		if err := m.End(ctx, s); err != nil {
			return nil, err
		}
		return nil, directory.Errorf(directory.KindUnauthenticated, "you were signed out: %s", gone)
	}
	return s, nil
}

// personGone says why the session's person may no longer use it, or "".
func personGone(ctx context.Context, tx directory.Tx, s *directory.Session) (string, error) {
	if s.HomeUserID != "" {
		u, err := tx.GetUser(ctx, s.HomeTenantID, s.HomeUserID)
		switch {
		case directory.IsKind(err, directory.KindNotFound):
			return "your account was deleted", nil
		case err != nil:
			return "", err
		case u.Deleted():
			return "your account was deleted", nil
		case !u.AccountEnabled:
			return "your account was disabled; contact your organization's administrator", nil
		}
		return "", nil
	}
	_, err := tx.GetEmailIdentity(ctx, s.EmailIdentityID)
	if directory.IsKind(err, directory.KindNotFound) {
		return "your sign-in e-mail address was removed", nil
	}
	return "", err
}

// AddTenant records that the session signed in to tenantID as a guest.
func (m *Sessions) AddTenant(ctx context.Context, s *directory.Session, tenantID string) error {
	if slices.Contains(s.SignedInTenantID, tenantID) {
		return nil
	}
	s.SignedInTenantID = append(s.SignedInTenantID, tenantID)
	return m.Store.Write(ctx, func(tx directory.Tx) error { return tx.UpdateSession(ctx, s) })
}

// RemoveTenant forgets a tenant the session was signed in to (after the
// person left it).
func (m *Sessions) RemoveTenant(ctx context.Context, s *directory.Session, tenantID string) error {
	if !slices.Contains(s.SignedInTenantID, tenantID) {
		return nil
	}
	s.SignedInTenantID = slices.DeleteFunc(s.SignedInTenantID, func(id string) bool { return id == tenantID })
	return m.Store.Write(ctx, func(tx directory.Tx) error { return tx.UpdateSession(ctx, s) })
}

// End revokes the session (sign-out): the cookie value stops working at
// once, on every instance.
func (m *Sessions) End(ctx context.Context, s *directory.Session) error {
	return m.Store.Write(ctx, func(tx directory.Tx) error {
		err := tx.DeleteSession(ctx, s.ID)
		if directory.IsKind(err, directory.KindNotFound) {
			return nil
		}
		return err
	})
}

// SignedIn reports whether the session is signed in to tenantID, at home
// or as a guest.
func SignedIn(s *directory.Session, tenantID string) bool {
	return s.HomeTenantID == tenantID || slices.Contains(s.SignedInTenantID, tenantID)
}

// HomeActor is the person of the session acting as themselves: their home
// user, or their e-mail identity.
func HomeActor(s *directory.Session) directory.Actor {
	if s.HomeUserID != "" {
		return directory.UserActor(s.HomeTenantID, s.HomeUserID)
	}
	return directory.EmailActor(s.EmailIdentityID)
}
