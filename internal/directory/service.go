package directory

import (
	"sync"
	"time"
)

// PasswordHasher turns passwords into PHC strings and checks them. The auth
// package provides the argon2id one.
type PasswordHasher interface {
	Hash(password string) (string, error)
	Verify(hash, password string) (bool, error)
}

// Options configure a Service. Zero values get defaults.
type Options struct {
	Clock          Clock         // default time.Now
	InvitationTTL  time.Duration // default DefaultInvitationTTL
	SessionTTL     time.Duration // browser sessions; default DefaultSessionTTL
	PublicBaseURL  string        // where redeem links point, e.g. http://localhost:8080
	PasswordHasher PasswordHasher
	NewID          func() string // default random UUIDv4
	// SigningKeyRotation is how long a token signing key signs before a
	// new one takes over; default DefaultSigningKeyRotation.
	SigningKeyRotation time.Duration
	// TokenMaxLifetime bounds every signed token's life, so that a key
	// leaves the JWKS only once nothing it signed can still be valid;
	// default DefaultTokenMaxLifetime.
	TokenMaxLifetime time.Duration
	// SignInLogRetention is how long sign-in records are kept; default
	// DefaultSignInLogRetention.
	SignInLogRetention time.Duration
	// OnSignIn, when set, is told of every sign-in record written
	// (metrics); it must not block.
	OnSignIn func(*SignInEvent)
	// Webhooks validates change notification URLs; nil turns
	// subscriptions off.
	Webhooks WebhookValidator
	// OnChange, when set, is told after a write that changed the directory
	// committed (the dispatcher wakes up); it must not block.
	OnChange func()
	// OnSubscriptionRemoved, when set, is told after an administrator's
	// delete of a subscription committed (the dispatcher sends its owner
	// subscriptionRemoved); it must not block.
	OnSubscriptionRemoved func(*Subscription)
}

// Service is the domain: every operation of orgdir, with its rules and its
// authorization. It is safe for concurrent use.
type Service struct {
	store  Store
	now    Clock
	opts   Options
	newID  func() string
	hasher PasswordHasher

	dummyOnce sync.Once // burnVerify's hash, made on first use
	dummyHash string
}

// NewService returns a Service over store.
func NewService(store Store, opts Options) *Service {
	s := &Service{store: store, opts: opts, now: opts.Clock, newID: opts.NewID, hasher: opts.PasswordHasher}
	if s.now == nil {
		s.now = time.Now
	}
	if s.opts.InvitationTTL == 0 {
		s.opts.InvitationTTL = DefaultInvitationTTL
	}
	if s.newID == nil {
		s.newID = NewID
	}
	if s.opts.SigningKeyRotation <= 0 {
		s.opts.SigningKeyRotation = DefaultSigningKeyRotation
	}
	if s.opts.TokenMaxLifetime <= 0 {
		s.opts.TokenMaxLifetime = DefaultTokenMaxLifetime
	}
	return s
}

// Now returns the service clock's time.
func (s *Service) Now() time.Time { return s.now() }
