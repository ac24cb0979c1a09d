package directory

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"time"
)

// Token signing keys (RS256). They live in the store so that every
// instance signs and verifies with one set. A key signs from CreatedAt
// until RotateAt, when a new one takes over; it stays in the JWKS until
// RetireAt, when every token it signed has expired, and is deleted then.
//
// The private key is kept in the database in clear (PKCS#8 DER): orgdir
// has no server secret to encrypt it with yet. Whoever reads the database
// can sign tokens; protect it (and its backups) accordingly.

// Key lifetimes.
const (
	DefaultSigningKeyRotation = 30 * 24 * time.Hour
	// DefaultTokenMaxLifetime is Entra's longest configurable access
	// token lifetime (24 hours); orgdir issues 60-minute ones by default.
	DefaultTokenMaxLifetime = 24 * time.Hour
	// keyClockSkew keeps a retired key a little longer, for verifiers
	// whose clock runs behind.
	keyClockSkew   = 5 * time.Minute
	signingKeyBits = 2048
	AlgorithmRS256 = "RS256"
)

// SigningKey is one token signing key.
type SigningKey struct {
	ID         string // the JWK's kid
	Algorithm  string // RS256
	PrivateKey []byte // PKCS#8 DER
	CreatedAt  time.Time
	RotateAt   time.Time // stops signing
	RetireAt   time.Time // leaves the JWKS
}

// RSA returns the key's private key.
func (k *SigningKey) RSA() (*rsa.PrivateKey, error) {
	p, err := x509.ParsePKCS8PrivateKey(k.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", k.ID, err)
	}
	rk, ok := p.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("signing key %s is not RSA", k.ID)
	}
	return rk, nil
}

// KeySet is what tokens are signed and verified with at one moment.
type KeySet struct {
	Signing *SigningKey   // the current key
	Verify  []*SigningKey // every key of the JWKS, the current one first
}

func (k *SigningKey) signsAt(now time.Time) bool {
	return !now.Before(k.CreatedAt) && now.Before(k.RotateAt)
}

func keySetAt(keys []*SigningKey, now time.Time) *KeySet {
	set := &KeySet{}
	for _, k := range keys {
		if set.Signing == nil && k.signsAt(now) {
			set.Signing = k
		}
	}
	if set.Signing == nil {
		return nil
	}
	set.Verify = append(set.Verify, set.Signing)
	for _, k := range keys {
		if k != set.Signing && !now.Before(k.CreatedAt) && now.Before(k.RetireAt) {
			set.Verify = append(set.Verify, k)
		}
	}
	return set
}

// SigningKeys returns the key set at the clock's now, making a new key
// first when none signs now (the first start, or rotation is due) and
// deleting retired ones. One instance rotates at a time (under
// LockSigningKeys); the others then read its key. It needs no actor.
func (s *Service) SigningKeys(ctx context.Context) (*KeySet, error) {
	now := s.clock()
	var keys []*SigningKey
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		keys, err = tx.ListSigningKeys(ctx)
		return err
	})
	if err != nil {
		return nil, wrap(err)
	}
	if set := keySetAt(keys, now); set != nil {
		return set, nil
	}
	return s.newSigningKey(ctx, now)
}

// newSigningKey makes a key (outside the transaction: generating one takes
// a while) and stores it unless, under the lock, another instance made one
// that signs now.
func (s *Service) newSigningKey(ctx context.Context, now time.Time) (*KeySet, error) {
	rk, err := rsa.GenerateKey(rand.Reader, signingKeyBits)
	if err != nil {
		return nil, Internal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(rk)
	if err != nil {
		return nil, Internal(err)
	}
	rotate := now.Add(s.opts.SigningKeyRotation)
	k := &SigningKey{ID: s.newID(), Algorithm: AlgorithmRS256, PrivateKey: der, CreatedAt: now,
		RotateAt: rotate, RetireAt: rotate.Add(s.opts.TokenMaxLifetime + keyClockSkew)}
	var set *KeySet
	err = s.store.Write(ctx, func(tx Tx) error {
		if err := tx.LockSigningKeys(ctx); err != nil {
			return err
		}
		keys, err := tx.ListSigningKeys(ctx)
		if err != nil {
			return err
		}
		if set = keySetAt(keys, now); set != nil {
			return nil
		}
		if err := tx.CreateSigningKey(ctx, k); err != nil {
			return err
		}
		if _, err := tx.DeleteRetiredSigningKeys(ctx, now); err != nil {
			return err
		}
		keys, err = tx.ListSigningKeys(ctx)
		if err != nil {
			return err
		}
		set = keySetAt(keys, now)
		return nil
	})
	if err != nil {
		return nil, wrap(err)
	}
	if set == nil {
		return nil, Internal(fmt.Errorf("no signing key after rotation"))
	}
	return set, nil
}
