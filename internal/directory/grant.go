package directory

import "time"

// OAuthGrant is one sign-in of a user to an application through the
// authorization code flow; its refresh tokens live and die with it.
type OAuthGrant struct {
	ID           string
	TenantID     string
	AppID        string
	UserID       string
	SessionID    string
	PublicClient bool // redeemed without a secret (spa, publicClient): PKCE only
	Scopes       []string
	Nonce        string
	AuthTime     time.Time
	CreatedAt    time.Time
	ExpiresAt    time.Time
	RevokedAt    *time.Time
}

// OAuthCode is an authorization code of a grant (single use).
type OAuthCode struct {
	Hash          []byte
	GrantID       string
	RedirectURI   string
	CodeChallenge string // S256
	CreatedAt     time.Time
	ExpiresAt     time.Time
	UsedAt        *time.Time
}

// RefreshToken is one refresh token of a grant; each use gives a new one
// (rotation), and a used one presented again ends the grant (reuse).
type RefreshToken struct {
	Hash      []byte
	GrantID   string
	CreatedAt time.Time
	UsedAt    *time.Time
}
