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
// or revoked session is KindUnauthenticated.
func (m *Sessions) Lookup(ctx context.Context, secret string) (*directory.Session, error) {
	if secret == "" {
		return nil, directory.Errorf(directory.KindUnauthenticated, "not signed in")
	}
	var s *directory.Session
	err := m.Store.Read(ctx, func(tx directory.Tx) error {
		var err error
		s, err = tx.GetSessionByHash(ctx, HashSecret(secret))
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
	return s, nil
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
