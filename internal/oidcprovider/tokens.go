package oidcprovider

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/orgdir/orgdir/internal/directory"
)

// Token types in the JWT header: an access token says at+jwt (RFC 9068),
// so that an ID token, which has the same audience, is never taken for
// one at userinfo or introspection.
const (
	typeIDToken     = "JWT"
	typeAccessToken = "at+jwt"
)

// tokenClaims are the claims of orgdir's ID and access tokens, as Entra
// v2.0 names them.
type tokenClaims struct {
	jwt.Claims
	Version           string   `json:"ver"`
	TenantID          string   `json:"tid"`
	ObjectID          string   `json:"oid,omitempty"`
	Name              string   `json:"name,omitempty"`
	PreferredUsername string   `json:"preferred_username,omitempty"`
	Email             string   `json:"email,omitempty"`
	IdentityProvider  string   `json:"idp,omitempty"`
	Account           *int     `json:"acct,omitempty"`
	Roles             []string `json:"roles,omitempty"`
	Groups            []string `json:"groups,omitempty"`
	Nonce             string   `json:"nonce,omitempty"`
	AuthTime          int64    `json:"auth_time,omitempty"`
	SessionID         string   `json:"sid,omitempty"`
	// Access tokens only.
	AuthorizedParty string `json:"azp,omitempty"`
	AppID           string `json:"appid,omitempty"`
	Scope           string `json:"scp,omitempty"`
	IDType          string `json:"idtyp,omitempty"`
	// Grant is the grant of a delegated access token, so that userinfo
	// and introspection can ask the directory whether it still stands
	// (orgdir's own claim; Entra has none).
	Grant string `json:"xms_orgdir_gid,omitempty"`
}

// signInClaims are the claims of in, issued now for ttl.
func (p *Provider) signInClaims(in *directory.AppSignIn, now time.Time, ttl time.Duration) tokenClaims {
	acct := 0
	if in.Guest {
		acct = 1
	}
	c := tokenClaims{
		Claims: jwt.Claims{Issuer: p.svc.Issuer(in.TenantID), Subject: in.Subject, Audience: jwt.Audience{in.AppID},
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(ttl))},
		Version: "2.0", TenantID: in.TenantID, ObjectID: in.UserID, Name: in.Name, PreferredUsername: in.PreferredUsername,
		Email: in.Email, IdentityProvider: in.IdentityProvider, Account: &acct, Roles: in.Roles, Groups: in.Groups, SessionID: in.SessionID,
	}
	if !in.AuthTime.IsZero() {
		c.AuthTime = in.AuthTime.Unix()
	}
	return c
}

// sign signs claims with the directory's current key, naming it by kid.
func (p *Provider) sign(ctx context.Context, typ string, claims any) (string, error) {
	key, err := p.signingKey(ctx)
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key.priv, KeyID: key.id}},
		(&jose.SignerOptions{}).WithType(jose.ContentType(typ)))
	if err != nil {
		return "", directory.Internal(err)
	}
	// Marshalled here rather than by jwt.Signed(…).Claims, which encodes
	// the claims, decodes them into a map and encodes that again (2% of
	// the token endpoint's CPU, as much as its database reads).
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", directory.Internal(err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", directory.Internal(err)
	}
	tok, err := obj.CompactSerialize()
	if err != nil {
		return "", directory.Internal(err)
	}
	return tok, nil
}

// signingKey is the key tokens are signed with now. It is kept between
// tokens while it still signs (until its RotateAt), for at most
// signingKeyReuse: reading it for every token cost as much as the rest of
// the token endpoint's database work. A new key is made only when none
// signs any longer (SigningKeys), so every instance still moves to it at
// the old key's RotateAt; tokens signed by it are verified by kid, read
// from the store when not seen yet (verifyKey).
func (p *Provider) signingKey(ctx context.Context) (*signingKey, error) {
	now := p.now()
	if k := p.signing.Load(); k != nil && k.usableAt(now) {
		return k, nil
	}
	set, err := p.svc.SigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	priv, err := p.rsaKey(set.Signing)
	if err != nil {
		return nil, err
	}
	k := &signingKey{id: set.Signing.ID, priv: priv, from: set.Signing.CreatedAt,
		until: set.Signing.RotateAt, readAt: now}
	p.signing.Store(k)
	return k, nil
}

// signingKeyReuse bounds how long a signing key is used without reading
// the store again.
const signingKeyReuse = 10 * time.Second

type signingKey struct {
	id          string
	priv        *rsa.PrivateKey
	from, until time.Time // it signs from, until
	readAt      time.Time
}

func (k *signingKey) usableAt(now time.Time) bool {
	return !now.Before(k.from) && now.Before(k.until) &&
		!now.Before(k.readAt) && now.Sub(k.readAt) < signingKeyReuse
}

// publicKeys are the keys of the JWKS, the signing one first.
func (p *Provider) publicKeys(ctx context.Context) ([]jose.JSONWebKey, error) {
	set, err := p.svc.SigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	keys := make([]jose.JSONWebKey, 0, len(set.Verify))
	for _, k := range set.Verify {
		priv, err := p.rsaKey(k)
		if err != nil {
			return nil, err
		}
		keys = append(keys, jose.JSONWebKey{Key: &priv.PublicKey, KeyID: k.ID, Algorithm: string(jose.RS256), Use: "sig"})
	}
	return keys, nil
}

var errBadToken = errors.New("the token is not valid")

// verifyAccessToken checks an access token of tenant t: signed by one of
// the directory's keys, typed at+jwt, issued by t's issuer, within its
// lifetime now. Whether its grant still stands is the caller's question.
func (p *Provider) verifyAccessToken(ctx context.Context, t *directory.IssuerTenant, raw string) (*tokenClaims, error) {
	if raw == "" || len(raw) > 16<<10 || strings.Count(raw, ".") != 2 {
		return nil, errBadToken
	}
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(tok.Headers) != 1 {
		return nil, errBadToken
	}
	h := tok.Headers[0]
	if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); typ != typeAccessToken {
		return nil, errBadToken
	}
	key, err := p.verifyKey(ctx, h.KeyID)
	if err != nil {
		return nil, err
	}
	if key == nil {
		return nil, errBadToken
	}
	var c tokenClaims
	if err := tok.Claims(key, &c); err != nil {
		return nil, errBadToken
	}
	if err := c.ValidateWithLeeway(jwt.Expected{Issuer: p.svc.Issuer(t.ID), Time: p.now()}, time.Minute); err != nil {
		return nil, errBadToken
	}
	if c.TenantID != t.ID {
		return nil, errBadToken
	}
	return &c, nil
}

// verifyKey is a key's public key if the JWKS lists it now, else nil. A
// key found once is kept until its RetireAt, when it leaves the JWKS (a
// key's bytes and times never change under its id), so verifying a token
// reads the store only for a kid not seen yet: on every request it was
// half the cost of an API call with a JWT.
func (p *Provider) verifyKey(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	now := p.now()
	if v, ok := p.verify.Load(kid); ok {
		vk := v.(verifyKey)
		if now.Before(vk.retireAt) && !now.Before(vk.createdAt) {
			return vk.key, nil
		}
		p.verify.Delete(kid)
	}
	set, err := p.svc.SigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	for _, k := range set.Verify {
		if k.ID == kid {
			priv, err := p.rsaKey(k)
			if err != nil {
				return nil, err
			}
			p.verify.Store(kid, verifyKey{key: &priv.PublicKey, createdAt: k.CreatedAt, retireAt: k.RetireAt})
			return &priv.PublicKey, nil
		}
	}
	return nil, nil
}

type verifyKey struct {
	key                 *rsa.PublicKey
	createdAt, retireAt time.Time
}

// rsaKey is k's private key, parsed once: a key's bytes never change
// under its id, so the parsed key is kept by id (a few keys at most; a
// retired one stays in memory until the process ends).
func (p *Provider) rsaKey(k *directory.SigningKey) (*rsa.PrivateKey, error) {
	if v, ok := p.parsed.Load(k.ID); ok {
		return v.(*rsa.PrivateKey), nil
	}
	priv, err := k.RSA()
	if err != nil {
		return nil, directory.Internal(err)
	}
	p.parsed.Store(k.ID, priv)
	return priv, nil
}
