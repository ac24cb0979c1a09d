package server

import (
	"context"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// heartbeats tells the store this instance is alive every
// directory.InstanceHeartbeat and gives the API throttle its share of the
// limits, until ctx ends; then it takes this instance off the count.
func (s *Server) heartbeats(ctx context.Context) {
	if s.deps.Service == nil {
		return // a server of health checks only (tests)
	}
	sys := directory.WithActor(context.WithoutCancel(ctx), directory.SystemActor("orgdir serve"))
	t := time.NewTicker(directory.InstanceHeartbeat)
	defer t.Stop()
	for {
		s.beat(sys)
		select {
		case <-ctx.Done():
			end, cancel := context.WithTimeout(sys, 2*time.Second)
			defer cancel()
			if err := s.deps.Service.EndInstance(end, s.instance); err != nil {
				s.deps.Logger.Warn("instance heartbeat: could not sign off", "err", err)
			}
			return
		case <-t.C:
		}
	}
}

// beat records one heartbeat. When the store cannot be reached the
// throttle keeps the share it had: a database hiccup does not multiply
// the limits.
func (s *Server) beat(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, directory.InstanceHeartbeat)
	defer cancel()
	n, err := s.deps.Service.Heartbeat(ctx, s.instance)
	if err != nil {
		s.deps.Logger.Warn("instance heartbeat failed", "err", err)
		return
	}
	if s.api != nil {
		s.api.SetInstances(n)
	}
}
