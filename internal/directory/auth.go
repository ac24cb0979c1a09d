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
	ID               string
	TokenHash        []byte
	HomeTenantID     string // with HomeUserID, for members
	HomeUserID       string
	EmailIdentityID  string   // for people without a home tenant here
	SignedInTenantID []string // tenants signed in to as a guest
	CSRFSecret       []byte
	CreatedAt        time.Time
	ExpiresAt        time.Time
	RevokedAt        *time.Time
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
