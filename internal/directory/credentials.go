package directory

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"
)

// Credentials: API bearer tokens and browser sessions. They are issued,
// checked and ended here, in the same transactions, authorization and
// audit as every other change. Revocation is one fact stored on the user
// (SignInSessionsValidFrom), checked on every use, so it holds on every
// instance and across restarts, and a restore never revives an old
// credential.

// TokenPrefix starts every API bearer token, so that a leaked one is easy
// to recognise (by people and by secret scanners).
const TokenPrefix = "odt_"

// Bounds of credential lifetimes.
const (
	DefaultTokenTTL   = 90 * 24 * time.Hour
	MaxTokenTTL       = 2 * 365 * 24 * time.Hour
	DefaultSessionTTL = 12 * time.Hour
	maxSecretLen      = 256
)

// RandomSecret returns n random bytes, base64url-encoded without padding.
func RandomSecret(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashSecret is the SHA-256 of a cookie or token secret, the only form
// orgdir stores.
func HashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

func unauthenticated(msg string) *Error { return Errorf(KindUnauthenticated, "%s", msg) }

// revokeCredentials ends every session and token of u issued until now;
// the caller writes u. The time only moves forward, past any credential
// issueTime placed just after an earlier revocation in the same tick.
func (o *op) revokeCredentials(u *User) {
	at := o.now
	if !u.SignInSessionsValidFrom.IsZero() && !at.After(u.SignInSessionsValidFrom) {
		at = u.SignInSessionsValidFrom.Add(time.Microsecond)
	}
	u.SignInSessionsValidFrom = at
}

// issueTime is when a credential for users issued now counts as issued:
// now, or just after the latest revocation among them when that is now
// too, so that a credential issued after a revocation in the same clock
// tick is valid and one issued before it is not.
func (o *op) issueTime(users ...*User) time.Time {
	at := o.now
	for _, u := range users {
		if u != nil && !u.IssuedValid(at) {
			at = u.SignInSessionsValidFrom.Add(time.Microsecond)
		}
	}
	return at
}

// CreateAccessToken issues an API bearer token that acts as the user
// idOrUPN of tenantID for ttl, and returns its secret, shown once: only its
// SHA-256 is stored. The system (the CLI, the demo seed), the user
// themselves, or a Global or User Administrator of the tenant may issue
// one; the user must be live and enabled. It is audited.
func (s *Service) CreateAccessToken(ctx context.Context, tenantID, idOrUPN, description string, ttl time.Duration) (string, *AccessToken, error) {
	if ttl <= 0 || ttl > MaxTokenTTL {
		return "", nil, Invalidf("expires", "a token's lifetime must be more than 0 and at most %s, not %s", MaxTokenTTL, ttl)
	}
	description, err := validOptionalLen("description", description, 256)
	if err != nil {
		return "", nil, err
	}
	random, err := RandomSecret(32)
	if err != nil {
		return "", nil, Internal(err)
	}
	secret := TokenPrefix + random
	tok, err := writeResult(s, ctx, func(o *op) (*AccessToken, error) {
		u, err := o.liveUser(tenantID, idOrUPN)
		if err != nil {
			if !o.c.inTenant(tenantID) {
				return nil, notFound("user")
			}
			return nil, err
		}
		if !o.c.isSelf(tenantID, u.ID) {
			if err := o.c.requireObject(tenantID, permManage, "user"); err != nil {
				return nil, err
			}
			if err := o.guardAdmin(u); err != nil {
				return nil, err
			}
		}
		var home *User
		if u.HomeUserID != "" {
			if home, err = o.homeUser(u); err != nil && !IsKind(err, KindNotFound) {
				return nil, err
			}
		}
		at := o.issueTime(u, home)
		if why, err := o.credentialRefusal(u, at); err != nil || why != "" {
			if err != nil {
				return nil, err
			}
			return nil, Errorf(KindInvalid, "no token for %s: %s", u.UserPrincipalName, why)
		}
		tok := &AccessToken{ID: o.s.newID(), TenantID: tenantID, UserID: u.ID, TokenHash: HashSecret(secret),
			Description: description, CreatedAt: at, ExpiresAt: at.Add(ttl)}
		if err := o.tx.CreateAccessToken(o.ctx, tok); err != nil {
			return nil, err
		}
		e := o.event(tenantID, ActivityAddAccessToken, CategoryUserManagement, opAdd, userTarget(u))
		e.AdditionalDetails = []KeyValue{{Key: "tokenId", Value: tok.ID}}
		return tok, o.audit(e)
	})
	if err != nil {
		return "", nil, err
	}
	return secret, tok, nil
}

// RevokeAccessToken revokes a token, named by its id or by its secret: the
// system, the token's user, or a Global or User Administrator of its
// tenant. Revoking a revoked token again is not an error. It is audited.
func (s *Service) RevokeAccessToken(ctx context.Context, idOrSecret string) error {
	idOrSecret = strings.TrimSpace(idOrSecret)
	bySecret := strings.HasPrefix(idOrSecret, TokenPrefix)
	if !bySecret && !ValidID(idOrSecret) {
		return Invalidf("token", "%q is neither a token id nor a token (%s…)", idOrSecret, TokenPrefix)
	}
	return s.write(ctx, func(o *op) error {
		var tok *AccessToken
		var err error
		if bySecret {
			tok, err = o.tx.GetAccessTokenByHash(o.ctx, HashSecret(idOrSecret))
		} else {
			tok, err = o.tx.GetAccessToken(o.ctx, idOrSecret)
		}
		if IsKind(err, KindNotFound) || (err == nil && !o.c.inTenant(tok.TenantID) && !o.c.system()) {
			return notFound("access token")
		}
		if err != nil {
			return err
		}
		u, err := o.user(tok.TenantID, tok.UserID)
		if err != nil {
			return err
		}
		if !o.c.isSelf(tok.TenantID, tok.UserID) {
			if err := o.c.requireObject(tok.TenantID, permManage, "access token"); err != nil {
				return err
			}
		}
		if tok.RevokedAt != nil {
			return nil
		}
		if err := o.tx.RevokeAccessToken(o.ctx, tok.ID, o.now); err != nil {
			return err
		}
		e := o.event(tok.TenantID, ActivityRevokeAccessToken, CategoryUserManagement, opDelete, userTarget(u))
		e.AdditionalDetails = []KeyValue{{Key: "tokenId", Value: tok.ID}}
		return o.audit(e)
	})
}

// AuthenticateAccessToken returns the actor of a bearer token secret. An
// unknown, expired or revoked token is KindUnauthenticated, and so is one
// issued before its user's SignInSessionsValidFrom, or whose user is
// disabled, deleted or gone; for a guest, also one whose home user is
// disabled, deleted, gone or revoked since, or whose e-mail identity was
// erased. Everything is read on every request, so a token stops working
// the moment any of these happens, on every instance.
//
// The secret is never compared: the token is looked up by its SHA-256, so
// the database's comparison can leak by its timing only a hash the caller
// cannot steer. No message carries the secret.
func (s *Service) AuthenticateAccessToken(ctx context.Context, secret string) (Actor, error) {
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > maxSecretLen {
		return Actor{}, unauthenticated("the access token is not a valid orgdir token")
	}
	now := s.clock()
	var actor Actor
	var user *User           // the token's user, once accepted
	var refused *SignInEvent // a known token refused: the tenant's log says why
	refuse := func(tok *AccessToken, u *User, code int, msg string) error {
		refused = s.signInRecord(ctx, tok.TenantID, MethodToken, false).naming(u).failed(code, msg)
		if u == nil {
			refused.UserID = tok.UserID // kept only while the user exists
		}
		return unauthenticated(msg)
	}
	err := s.store.Read(ctx, func(tx Tx) error {
		o := s.newOp(ctx, tx, nil)
		tok, err := tx.GetAccessTokenByHash(ctx, HashSecret(secret))
		if IsKind(err, KindNotFound) {
			return unauthenticated("the access token is not valid")
		}
		if err != nil {
			return err
		}
		u, err := tx.GetUser(ctx, tok.TenantID, tok.UserID)
		if err != nil && !IsKind(err, KindNotFound) {
			return err
		}
		switch {
		case tok.RevokedAt != nil:
			return refuse(tok, u, SignInTokenRevoked, "the access token was revoked")
		case !now.Before(tok.ExpiresAt):
			return refuse(tok, u, SignInTokenExpired, "the access token has expired")
		case u == nil:
			return refuse(tok, nil, SignInUnknownUser, "the access token's user no longer exists")
		}
		if why, err := o.credentialRefusal(u, tok.CreatedAt); err != nil || why != "" {
			if err != nil {
				return err
			}
			return refuse(tok, u, credentialRefusalCode(why), "the access token is no longer valid: "+why)
		}
		actor, user = UserActor(tok.TenantID, tok.UserID), u
		return nil
	})
	if refused != nil {
		_ = s.recordSignIn(ctx, refused)
	}
	if err != nil {
		return Actor{}, wrap(err)
	}
	s.touchTokenUse(ctx, user, now)
	return actor, nil
}

// credentialRefusalCode is the sign-in log's code for why a credential of
// u may no longer be used.
func credentialRefusalCode(why string) int {
	switch {
	case strings.HasSuffix(why, " is deleted"), strings.HasSuffix(why, " no longer exists"), strings.HasSuffix(why, " was removed"):
		return SignInUnknownUser
	case strings.HasSuffix(why, " is disabled"):
		return SignInAccountDisabled
	}
	return SignInSessionsRevoked
}

// credentialRefusal says why a credential of u issued at issued may no
// longer be used, or "": u (and, for a guest, the person it is bound to)
// must be live, enabled and not revoked since issued.
func (o *op) credentialRefusal(u *User, issued time.Time) (string, error) {
	if why := userRefusal(u, issued, "the user"); why != "" {
		return why, nil
	}
	switch {
	case u.HomeUserID != "":
		home, err := o.homeUser(u)
		if IsKind(err, KindNotFound) {
			return "the guest's home account no longer exists", nil
		}
		if err != nil {
			return "", err
		}
		return userRefusal(home, issued, "the guest's home account"), nil
	case u.HomeEmailIdentityID != "":
		_, err := o.tx.GetEmailIdentity(o.ctx, u.HomeEmailIdentityID)
		if IsKind(err, KindNotFound) {
			return "the guest's sign-in e-mail address was removed", nil
		}
		return "", err
	}
	return "", nil
}

func userRefusal(u *User, issued time.Time, who string) string {
	switch {
	case u.Deleted():
		return who + " is deleted"
	case !u.AccountEnabled:
		return who + " is disabled"
	case !u.IssuedValid(issued):
		return who + "'s sign-in sessions were revoked"
	}
	return ""
}

// RevokeSignInSessions is Graph's revokeSignInSessions: it moves the user's
// SignInSessionsValidFrom to now, so that every session and token issued
// before is dead for good. The user themselves, or a Global or User
// Administrator of the tenant (only a Global Administrator for another
// Global Administrator). For a guest it ends their sign-in to this tenant
// (their home session is their home tenant's). It is audited.
func (s *Service) RevokeSignInSessions(ctx context.Context, tenantID, idOrUPN string) error {
	return s.write(ctx, func(o *op) error {
		if !o.c.inTenant(tenantID) {
			return notFound("user")
		}
		u, err := o.liveUser(tenantID, idOrUPN)
		if err != nil {
			return err
		}
		if !o.c.isSelf(tenantID, u.ID) {
			if err := o.c.requireObject(tenantID, permManage, "user"); err != nil {
				return err
			}
			if err := o.guardAdmin(u); err != nil {
				return err
			}
		}
		o.revokeCredentials(u)
		if err := o.tx.UpdateUser(o.ctx, u); err != nil {
			return err
		}
		return o.audit(o.event(tenantID, ActivityRevokeSignInSessions, CategoryUserManagement, opUpdate, userTarget(u)))
	})
}
