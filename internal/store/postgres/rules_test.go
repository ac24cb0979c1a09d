package postgres_test

import (
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/directory/ruletest"
)

// TestRules runs the domain's rule suite on PostgreSQL.
func TestRules(t *testing.T) {
	serverDSN(t)
	ruletest.Run(t, func(t *testing.T) directory.Store { return open(t, freshSchema(t)) })
}

// TestThrottleCountsAcrossTwoInstances: two stores (two pools) on one
// schema, as two orgdir instances, share the sign-in throttle's counters.
func TestThrottleCountsAcrossTwoInstances(t *testing.T) {
	dsn := freshSchema(t)
	ruletest.ThrottleAcrossStores(t, open(t, dsn), open(t, dsn))
}
