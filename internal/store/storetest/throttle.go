package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// throttleKey is a key shaped like the domain's (64 hex digits).
func throttleKey(n int) string { return fmt.Sprintf("%064x", n) }

// lockAndSet locks key and writes c's values to it.
func (f *fx) lockAndSet(c directory.ThrottleCounter) {
	f.t.Helper()
	f.write(func(tx directory.Tx) error {
		if _, err := tx.LockThrottle(f.ctx, c.Key); err != nil {
			return err
		}
		return tx.UpdateThrottle(f.ctx, &c)
	})
}

// throttle reads key's counter; nil when there is none.
func (f *fx) throttle(key string) *directory.ThrottleCounter {
	f.t.Helper()
	var c *directory.ThrottleCounter
	err := f.s.Read(f.ctx, func(tx directory.Tx) error {
		var err error
		c, err = tx.GetThrottle(f.ctx, key)
		return err
	})
	if directory.IsKind(err, directory.KindNotFound) {
		return nil
	}
	wantNoErr(f.t, err)
	return c
}

var throttleTests = map[string]func(*testing.T, *fx){
	"LockCreatesAZeroCounterThatUpdateFills": func(t *testing.T, f *fx) {
		key := throttleKey(1)
		if f.throttle(key) != nil {
			t.Fatal("an unknown key has a counter")
		}
		want := directory.ThrottleCounter{Key: key, Failures: 3, LastFailureAt: base, WaitUntil: base.Add(time.Second), ExpiresAt: base.Add(time.Hour)}
		f.write(func(tx directory.Tx) error {
			c, err := tx.LockThrottle(f.ctx, key)
			wantNoErr(t, err)
			if c.Key != key || c.Failures != 0 || !c.LastFailureAt.IsZero() || !c.WaitUntil.IsZero() || !c.ExpiresAt.IsZero() {
				t.Fatalf("a new counter = %+v, want a zero one", c)
			}
			return tx.UpdateThrottle(f.ctx, &want)
		})
		sameJSON(t, f.throttle(key), want)
		// Locking an existing counter returns it as it is.
		f.write(func(tx directory.Tx) error {
			c, err := tx.LockThrottle(f.ctx, key)
			wantNoErr(t, err)
			sameJSON(t, c, want)
			return nil
		})
	},
	"UpdateOfAnUnknownKeyIsNotFound": func(t *testing.T, f *fx) {
		err := f.tryWrite(func(tx directory.Tx) error {
			return tx.UpdateThrottle(f.ctx, &directory.ThrottleCounter{Key: throttleKey(9), Failures: 1, LastFailureAt: base, WaitUntil: base, ExpiresAt: base})
		})
		wantKind(t, err, directory.KindNotFound)
	},
	"DeleteForgetsOneKey": func(t *testing.T, f *fx) {
		one, two := throttleKey(1), throttleKey(2)
		for _, k := range []string{one, two} {
			f.lockAndSet(directory.ThrottleCounter{Key: k, Failures: 1, LastFailureAt: base, WaitUntil: base, ExpiresAt: base.Add(time.Hour)})
		}
		f.write(func(tx directory.Tx) error { return tx.DeleteThrottle(f.ctx, one) })
		if f.throttle(one) != nil || f.throttle(two) == nil {
			t.Fatal("DeleteThrottle must forget its key and only it")
		}
		// A key with no counter is not an error.
		f.write(func(tx directory.Tx) error { return tx.DeleteThrottle(f.ctx, throttleKey(3)) })
	},
	"DeleteExpiredRemovesOnlyExpiredUpToTheLimit": func(t *testing.T, f *fx) {
		for i := range 5 {
			// Keys 0..2 expired (at base-2m, base-1m, base), 3 and 4 not.
			f.lockAndSet(directory.ThrottleCounter{Key: throttleKey(i), Failures: 1, LastFailureAt: base.Add(-time.Hour),
				WaitUntil: base.Add(-time.Hour), ExpiresAt: base.Add(time.Duration(i-2) * time.Minute)})
		}
		var n int
		f.write(func(tx directory.Tx) error {
			var err error
			n, err = tx.DeleteExpiredThrottles(f.ctx, base, 2)
			return err
		})
		if n != 2 || f.throttle(throttleKey(0)) != nil || f.throttle(throttleKey(1)) != nil || f.throttle(throttleKey(2)) == nil {
			t.Fatalf("first sweep removed %d; want the 2 oldest expired", n)
		}
		f.write(func(tx directory.Tx) error {
			var err error
			n, err = tx.DeleteExpiredThrottles(f.ctx, base, 100)
			return err
		})
		if n != 1 || f.throttle(throttleKey(2)) != nil {
			t.Fatalf("second sweep removed %d; want the one expiring at now", n)
		}
		for _, i := range []int{3, 4} {
			if f.throttle(throttleKey(i)) == nil {
				t.Fatalf("the sweep removed counter %d, which has not expired", i)
			}
		}
	},
	"ConcurrentWritesCountEveryFailure": func(t *testing.T, f *fx) {
		// Two writers at once, as two instances: each locks, adds one and
		// writes; no count may be lost, also when the key is new.
		key := throttleKey(7)
		const writers, each = 2, 15
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					errs <- f.s.Write(context.Background(), func(tx directory.Tx) error {
						c, err := tx.LockThrottle(f.ctx, key)
						if err != nil {
							return err
						}
						c.Failures++
						c.LastFailureAt, c.WaitUntil, c.ExpiresAt = base, base, base.Add(time.Hour)
						return tx.UpdateThrottle(f.ctx, c)
					})
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			wantNoErr(t, err)
		}
		if c := f.throttle(key); c == nil || c.Failures != writers*each {
			t.Fatalf("counter = %+v, want %d failures", c, writers*each)
		}
	},
}
