package auth

import (
	"context"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// TokenPrefix starts every API bearer token, so that a leaked one is easy to
// recognise (by people and by secret scanners).
const TokenPrefix = "odt_"

// Bounds of a token's lifetime.
const (
	DefaultTokenTTL = 90 * 24 * time.Hour
	MaxTokenTTL     = 2 * 365 * 24 * time.Hour
)

// CreateToken issues an API bearer token that acts as userID in tenantID,
// valid for ttl. It returns the secret, which is shown once: only its
// SHA-256 is stored. The user must be live and enabled. Whoever calls it
// decides who may have a token (the CLI, the demo seed): there is no actor
// check here.
func CreateToken(ctx context.Context, store directory.Store, clock directory.Clock, tenantID, userID string, ttl time.Duration) (string, *directory.AccessToken, error) {
	if ttl <= 0 || ttl > MaxTokenTTL {
		return "", nil, directory.Invalidf("expires", "a token's lifetime must be more than 0 and at most %s, not %s", MaxTokenTTL, ttl)
	}
	if clock == nil {
		clock = time.Now
	}
	random, err := RandomSecret(32)
	if err != nil {
		return "", nil, directory.Internal(err)
	}
	secret := TokenPrefix + random
	now := clock()
	tok := &directory.AccessToken{
		ID:        directory.NewID(),
		TenantID:  tenantID,
		UserID:    userID,
		TokenHash: HashSecret(secret),
		CreatedAt: now,
		ExpiresAt: now.Add(ttl),
	}
	err = store.Write(ctx, func(tx directory.Tx) error {
		u, err := tx.GetUser(ctx, tenantID, userID)
		if err != nil {
			return err
		}
		if e := usable(u); e != nil {
			return directory.Errorf(directory.KindInvalid, "no token for %s: %s", u.UserPrincipalName, e.Message)
		}
		return tx.CreateAccessToken(ctx, tok)
	})
	if err != nil {
		return "", nil, err
	}
	return secret, tok, nil
}

// Authenticate returns the actor of a bearer token secret. An unknown,
// expired or revoked token, or one whose user was disabled, deleted or
// purged since, is KindUnauthenticated: the user is read on every request,
// so a token stops working the moment its user does.
//
// The secret is never compared: the token is looked up by the SHA-256 of
// the secret, so what the database's comparison could leak by its timing
// is about a hash the caller cannot steer, not about the secret. No error
// message carries the secret, so no log does either.
func Authenticate(ctx context.Context, store directory.Store, now time.Time, secret string) (directory.Actor, error) {
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 256 {
		return directory.Actor{}, unauthenticated("the access token is not a valid orgdir token")
	}
	var actor directory.Actor
	err := store.Read(ctx, func(tx directory.Tx) error {
		tok, err := tx.GetAccessTokenByHash(ctx, HashSecret(secret))
		if directory.IsKind(err, directory.KindNotFound) {
			return unauthenticated("the access token is not valid")
		}
		if err != nil {
			return err
		}
		switch {
		case tok.RevokedAt != nil:
			return unauthenticated("the access token was revoked")
		case !now.Before(tok.ExpiresAt):
			return unauthenticated("the access token has expired")
		}
		u, err := tx.GetUser(ctx, tok.TenantID, tok.UserID)
		if directory.IsKind(err, directory.KindNotFound) {
			return unauthenticated("the access token's user no longer exists")
		}
		if err != nil {
			return err
		}
		if e := usable(u); e != nil {
			return e
		}
		actor = directory.UserActor(tok.TenantID, tok.UserID)
		return nil
	})
	if err != nil {
		return directory.Actor{}, err
	}
	return actor, nil
}

// RevokeToken revokes a token, named by its id or by its secret. Revoking
// a revoked token again is not an error.
func RevokeToken(ctx context.Context, store directory.Store, clock directory.Clock, idOrSecret string) error {
	if clock == nil {
		clock = time.Now
	}
	return store.Write(ctx, func(tx directory.Tx) error {
		id := idOrSecret
		if strings.HasPrefix(idOrSecret, TokenPrefix) {
			tok, err := tx.GetAccessTokenByHash(ctx, HashSecret(idOrSecret))
			if err != nil {
				return err
			}
			if tok.RevokedAt != nil {
				return nil
			}
			id = tok.ID
		} else if !directory.ValidID(idOrSecret) {
			return directory.Invalidf("token", "%q is neither a token id nor a token (%s…)", idOrSecret, TokenPrefix)
		}
		return tx.RevokeAccessToken(ctx, id, clock())
	})
}

// usable refuses a user a token may not act as.
func usable(u *directory.User) *directory.Error {
	switch {
	case u.Deleted():
		return unauthenticated("the access token's user is deleted")
	case !u.AccountEnabled:
		return unauthenticated("the access token's user is disabled")
	}
	return nil
}

func unauthenticated(msg string) *directory.Error {
	return directory.Errorf(directory.KindUnauthenticated, "%s", msg)
}
