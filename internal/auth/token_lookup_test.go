package auth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// lookupRecorder records every key a token is looked up by.
type lookupRecorder struct {
	directory.Store
	keys *[][]byte
}

func (s lookupRecorder) Read(ctx context.Context, fn func(directory.Tx) error) error {
	return s.Store.Read(ctx, func(tx directory.Tx) error { return fn(recordingTx{tx, s.keys}) })
}

type recordingTx struct {
	directory.Tx
	keys *[][]byte
}

func (t recordingTx) GetAccessTokenByHash(ctx context.Context, h []byte) (*directory.AccessToken, error) {
	*t.keys = append(*t.keys, bytes.Clone(h))
	return t.Tx.GetAccessTokenByHash(ctx, h)
}

func TestTokenIsLookedUpByItsHashNeverByItsSecret(t *testing.T) {
	f := newTokenFixture(t)
	secret, _ := f.create(t, time.Hour)
	var keys [][]byte
	st := lookupRecorder{Store: f.store, keys: &keys}
	if _, err := Authenticate(context.Background(), st, f.clock.Now(), secret); err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256([]byte(secret))
	if len(keys) != 1 || !bytes.Equal(keys[0], want[:]) {
		t.Fatalf("looked up by %x; want only the SHA-256 of the secret", keys)
	}
	// One character off is another hash altogether: refused.
	other := secret[:len(secret)-1] + "A"
	if other == secret {
		other = secret[:len(secret)-1] + "B"
	}
	_, err := Authenticate(context.Background(), st, f.clock.Now(), other)
	wantUnauthenticated(t, err, "not valid")
}
