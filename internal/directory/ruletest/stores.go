package ruletest

import (
	"context"
	"errors"
	"sync"

	"github.com/orgdir/orgdir/internal/directory"
)

// errCrash is the simulated crash of a wrapped store.
var errCrash = errors.New("ruletest: simulated crash")

// crashingStore passes through until armed, then lets okWrites more
// Writes succeed and fails every later one, as if the process died there:
// a failed Write commits nothing.
type crashingStore struct {
	directory.Store
	mu       sync.Mutex
	armed    bool
	okWrites int
}

func (s *crashingStore) arm(okWrites int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.armed, s.okWrites = true, okWrites
}

func (s *crashingStore) Write(ctx context.Context, fn func(directory.Tx) error) error {
	s.mu.Lock()
	crash := s.armed && s.okWrites <= 0
	if s.armed {
		s.okWrites--
	}
	s.mu.Unlock()
	if crash {
		return errCrash
	}
	return s.Store.Write(ctx, fn)
}

// cancellingStore cancels a context after okWrites Writes, as a shutdown
// in the middle of the purge would.
type cancellingStore struct {
	directory.Store
	mu       sync.Mutex
	okWrites int
	cancel   context.CancelFunc
}

func (s *cancellingStore) Write(ctx context.Context, fn func(directory.Tx) error) error {
	err := s.Store.Write(ctx, fn)
	s.mu.Lock()
	s.okWrites--
	if s.okWrites == 0 {
		s.cancel()
	}
	s.mu.Unlock()
	return err
}

// auditFailingStore runs every Write with a Tx whose AppendAudit fails:
// the change it records must then not happen either.
type auditFailingStore struct{ directory.Store }

func (s auditFailingStore) Write(ctx context.Context, fn func(directory.Tx) error) error {
	return s.Store.Write(ctx, func(tx directory.Tx) error { return fn(auditFailingTx{tx}) })
}

type auditFailingTx struct{ directory.Tx }

func (auditFailingTx) AppendAudit(context.Context, *directory.AuditEvent) error {
	return errors.New("ruletest: audit log unavailable")
}

func (auditFailingTx) AppendAudits(context.Context, []*directory.AuditEvent) error {
	return errors.New("ruletest: audit log unavailable")
}
