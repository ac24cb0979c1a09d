package directory

import "time"

// AccessToken is a bearer token of the API. It acts as one user in one
// tenant; only the SHA-256 hash of the secret is stored.
type AccessToken struct {
	ID          string
	TenantID    string
	UserID      string
	TokenHash   []byte
	Description string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	RevokedAt   *time.Time
}

// Session is a browser session of a person: signed in at home (HomeUserID
// in HomeTenantID) or as an e-mail identity, and possibly signed in to
// other tenants where they are a guest. Only the hash of the cookie value is
// stored.
type Session struct {
	ID              string
	TokenHash       []byte
	HomeTenantID    string // with HomeUserID, for members
	HomeUserID      string
	EmailIdentityID string         // for people without a home tenant here
	SignedIn        []TenantSignIn // tenants signed in to as a guest, and when
	CSRFSecret      []byte
	CreatedAt       time.Time
	ExpiresAt       time.Time
	RevokedAt       *time.Time
}

// TenantSignIn is a session's sign-in to a tenant where the person is a
// guest. It counts only while At is after the guest user's
// SignInSessionsValidFrom, so a leave, a restore or a revocation ends it
// for good.
type TenantSignIn struct {
	TenantID string    `json:"tenantId"`
	At       time.Time `json:"at"`
}

// SignedInTo reports whether s is signed in to tenantID, at home or as a
// guest. A session from LookupSession lists only sign-ins still valid.
func (s *Session) SignedInTo(tenantID string) bool {
	if s.HomeTenantID == tenantID {
		return true
	}
	for _, t := range s.SignedIn {
		if t.TenantID == tenantID {
			return true
		}
	}
	return false
}

// PersonActor is the session's person acting as themselves: their home
// user, or their e-mail identity.
func (s *Session) PersonActor() Actor {
	if s.HomeUserID != "" {
		return UserActor(s.HomeTenantID, s.HomeUserID)
	}
	return EmailActor(s.EmailIdentityID)
}

// OneTimeCode is an e-mailed passcode; only its hash is stored.
type OneTimeCode struct {
	ID        string
	Email     string
	CodeHash  []byte
	CreatedAt time.Time
	ExpiresAt time.Time
	Attempts  int
	UsedAt    *time.Time
}

// ThrottleCounter counts the failed attempts of one key (an account from
// one client address, or one client address): see signin_throttle.go.
type ThrottleCounter struct {
	Key           string // hex SHA-256 of what is counted, never the name or address itself
	Failures      int
	LastFailureAt time.Time
	WaitUntil     time.Time // no attempt of the key is tried before this
	ExpiresAt     time.Time // at this time the counter is forgotten
}
