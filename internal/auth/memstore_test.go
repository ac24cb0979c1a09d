package auth

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// memStore is just enough of a directory.Store for passcodes and
// the outbox; every other Tx method panics (nil embedded interface), which
// tells a test it strayed.
type memStore struct {
	mu       sync.Mutex
	emails   map[string]*directory.EmailIdentity
	codes    []*directory.OneTimeCode
	outbox   []*directory.OutboxMessage
	throttle map[string]directory.ThrottleCounter
}

func newMemStore() *memStore {
	return &memStore{emails: map[string]*directory.EmailIdentity{}, throttle: map[string]directory.ThrottleCounter{}}
}

func (t *memTx) GetEmailIdentity(_ context.Context, id string) (*directory.EmailIdentity, error) {
	e, ok := t.m.emails[id]
	if !ok {
		return nil, notFound()
	}
	c := *e
	return &c, nil
}

func (m *memStore) Read(ctx context.Context, fn func(directory.Tx) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return fn(&memTx{m: m})
}

func (m *memStore) Write(ctx context.Context, fn func(directory.Tx) error) error {
	return m.Read(ctx, fn)
}

func (m *memStore) Close() error { return nil }

type memTx struct {
	directory.Tx
	m *memStore
}

func notFound() error { return directory.Errorf(directory.KindNotFound, "not found") }

func (t *memTx) CreateOneTimeCode(_ context.Context, c *directory.OneTimeCode) error {
	cc := *c
	t.m.codes = append(t.m.codes, &cc)
	return nil
}

func (t *memTx) GetLatestOneTimeCode(_ context.Context, email string) (*directory.OneTimeCode, error) {
	for i := len(t.m.codes) - 1; i >= 0; i-- {
		if strings.EqualFold(t.m.codes[i].Email, email) {
			c := *t.m.codes[i]
			return &c, nil
		}
	}
	return nil, notFound()
}

func (t *memTx) UpdateOneTimeCode(_ context.Context, c *directory.OneTimeCode) error {
	for i, old := range t.m.codes {
		if old.ID == c.ID {
			cc := *c
			t.m.codes[i] = &cc
			return nil
		}
	}
	return notFound()
}

func (t *memTx) CountOneTimeCodesSince(_ context.Context, email string, since time.Time) (int, error) {
	n := 0
	for _, c := range t.m.codes {
		if strings.EqualFold(c.Email, email) && !c.CreatedAt.Before(since) {
			n++
		}
	}
	return n, nil
}

func (t *memTx) EnqueueMail(_ context.Context, msg *directory.OutboxMessage) error {
	c := *msg
	t.m.outbox = append(t.m.outbox, &c)
	return nil
}

// The sign-in throttle's counters (the passcode limit per client address).

func (t *memTx) GetThrottle(_ context.Context, key string) (*directory.ThrottleCounter, error) {
	c, ok := t.m.throttle[key]
	if !ok {
		return nil, notFound()
	}
	return &c, nil
}

func (t *memTx) LockThrottle(_ context.Context, key string) (*directory.ThrottleCounter, error) {
	c, ok := t.m.throttle[key]
	if !ok {
		c = directory.ThrottleCounter{Key: key}
		t.m.throttle[key] = c
	}
	return &c, nil
}

func (t *memTx) UpdateThrottle(_ context.Context, c *directory.ThrottleCounter) error {
	if _, ok := t.m.throttle[c.Key]; !ok {
		return notFound()
	}
	t.m.throttle[c.Key] = *c
	return nil
}

func (t *memTx) DeleteThrottle(_ context.Context, key string) error {
	delete(t.m.throttle, key)
	return nil
}

func (t *memTx) DeleteExpiredThrottles(_ context.Context, now time.Time, limit int) (int, error) {
	n := 0
	for k, c := range t.m.throttle {
		if n < limit && !c.ExpiresAt.After(now) {
			delete(t.m.throttle, k)
			n++
		}
	}
	return n, nil
}
