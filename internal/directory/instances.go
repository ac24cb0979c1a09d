package directory

import (
	"context"
	"time"
)

// Each running server writes a heartbeat every InstanceHeartbeat; one not
// heard of for InstanceTimeout has stopped (or lost the database) and no
// longer counts. Limits that hold across instances (the API throttle) give
// each instance its share: the limit divided by the live instances.
const (
	InstanceHeartbeat = 5 * time.Second
	InstanceTimeout   = 3 * InstanceHeartbeat
)

// Heartbeat records that instance id is alive (the system only), forgets
// the instances gone for a long while, and returns how many are alive, id
// included.
func (s *Service) Heartbeat(ctx context.Context, id string) (int, error) {
	if id == "" {
		return 0, Invalidf("id", "an instance needs an id")
	}
	return writeResult(s, ctx, func(o *op) (int, error) {
		if !o.c.system() {
			return 0, Errorf(KindForbidden, "instance heartbeats are orgdir's own")
		}
		if err := o.tx.TouchInstance(o.ctx, id, o.now); err != nil {
			return 0, err
		}
		// Kept a while after they stop counting, for nothing but a quiet
		// table: a day of stopped instances is a handful of rows.
		if err := o.tx.DeleteInstancesBefore(o.ctx, o.now.Add(-24*time.Hour)); err != nil {
			return 0, err
		}
		n, err := o.tx.CountInstances(o.ctx, o.now.Add(-InstanceTimeout))
		return max(n, 1), err
	})
}

// EndInstance forgets instance id as it stops, so that the others take
// over its share at their next heartbeat (the system only).
func (s *Service) EndInstance(ctx context.Context, id string) error {
	_, err := writeResult(s, ctx, func(o *op) (struct{}, error) {
		if !o.c.system() {
			return struct{}{}, Errorf(KindForbidden, "instance heartbeats are orgdir's own")
		}
		return struct{}{}, o.tx.DeleteInstance(o.ctx, id)
	})
	return err
}
