package ruletest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// testSigningKeys pins the token signing keys: made on first use, shared
// by every instance, rotated on schedule, and the previous key kept for
// verification until every token it signed has expired.
func testSigningKeys(t *testing.T, ns NewStore) {
	ctx := context.Background()
	keyIDs := func(ks []*directory.SigningKey) []string {
		var out []string
		for _, k := range ks {
			out = append(out, k.ID)
		}
		return out
	}

	t.Run("MadeOnFirstUseThenRead", func(t *testing.T) {
		w := newWorld(t, ns)
		a := must(w.svc.SigningKeys(ctx))(t)
		b := must(w.svc.SigningKeys(ctx))(t)
		if a.Signing.ID != b.Signing.ID || len(b.Verify) != 1 {
			t.Fatalf("first %s, second %s (%d to verify)", a.Signing.ID, b.Signing.ID, len(b.Verify))
		}
		rk, err := b.Signing.RSA()
		ok(t, err)
		if rk.N.BitLen() != 2048 || b.Signing.Algorithm != directory.AlgorithmRS256 {
			t.Errorf("key of %d bits, %s", rk.N.BitLen(), b.Signing.Algorithm)
		}
		// Another instance on the same store signs with the same key.
		other := directory.NewService(w.store, directory.Options{Clock: w.clock.Now})
		if c := must(other.SigningKeys(ctx))(t); c.Signing.ID != a.Signing.ID {
			t.Errorf("another instance signs with %s, not %s", c.Signing.ID, a.Signing.ID)
		}
	})

	t.Run("InstancesStartingTogetherMakeOneKey", func(t *testing.T) {
		w := newWorld(t, ns)
		var wg sync.WaitGroup
		ids := make([]string, 4)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := directory.NewService(w.store, directory.Options{Clock: w.clock.Now})
				if set, err := s.SigningKeys(ctx); err == nil {
					ids[i] = set.Signing.ID
				} else {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		for _, id := range ids[1:] {
			if id != ids[0] {
				t.Fatalf("instances sign with different keys: %v", ids)
			}
		}
	})

	t.Run("RotatesAndKeepsThePreviousKeyUntilItsTokensExpire", func(t *testing.T) {
		w := newWorld(t, ns)
		first := must(w.svc.SigningKeys(ctx))(t).Signing
		w.clock.Advance(directory.DefaultSigningKeyRotation - time.Microsecond)
		if got := must(w.svc.SigningKeys(ctx))(t).Signing; got.ID != first.ID {
			t.Fatal("rotated before the schedule")
		}
		w.clock.Advance(time.Microsecond)
		set := must(w.svc.SigningKeys(ctx))(t)
		if set.Signing.ID == first.ID || len(set.Verify) != 2 || set.Verify[1].ID != first.ID {
			t.Fatalf("after rotation: signing %s, verify %v (first %s)", set.Signing.ID, keyIDs(set.Verify), first.ID)
		}
		// A token signed by the first key just before rotation lives at
		// most TokenMaxLifetime: the key stays until then (and a skew).
		w.clock.Advance(directory.DefaultTokenMaxLifetime)
		if set := must(w.svc.SigningKeys(ctx))(t); len(set.Verify) != 2 {
			t.Fatalf("the previous key left the JWKS before its tokens expired: %v", keyIDs(set.Verify))
		}
		w.clock.Advance(time.Hour)
		if set := must(w.svc.SigningKeys(ctx))(t); len(set.Verify) != 1 || set.Verify[0].ID == first.ID {
			t.Fatalf("the previous key is still listed after its tokens expired: %v", keyIDs(set.Verify))
		}
		// The next rotation deletes it for good.
		w.clock.Advance(directory.DefaultSigningKeyRotation)
		must(w.svc.SigningKeys(ctx))(t)
		ok(t, w.store.Read(ctx, func(tx directory.Tx) error {
			keys, err := tx.ListSigningKeys(ctx)
			for _, k := range keys {
				if k.ID == first.ID {
					t.Error("a retired key was kept after the next rotation")
				}
			}
			return err
		}))
	})

	t.Run("RotationPeriodIsConfigurable", func(t *testing.T) {
		w := newWorld(t, ns)
		s := directory.NewService(w.store, directory.Options{Clock: w.clock.Now, SigningKeyRotation: time.Hour, TokenMaxLifetime: time.Hour})
		first := must(s.SigningKeys(ctx))(t).Signing
		if !first.RotateAt.Equal(first.CreatedAt.Add(time.Hour)) {
			t.Errorf("rotate at %s, created %s", first.RotateAt, first.CreatedAt)
		}
		w.clock.Advance(time.Hour)
		if must(s.SigningKeys(ctx))(t).Signing.ID == first.ID {
			t.Error("no rotation after the configured hour")
		}
	})
}
