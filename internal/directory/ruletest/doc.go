// Package ruletest pins every rule of orgdir's domain (docs/design.md) by
// a named subtest, driving a directory.Service over any
// directory.Store with a directory.FixedClock. A store package runs it in
// a few lines:
//
//	func TestRules(t *testing.T) {
//		ruletest.Run(t, func(t *testing.T) directory.Store { return openTemp(t) })
//	}
//
// The subtests are named for the behaviour they pin (Leave/DisabledAtHome,
// Purge/Day29KeepsDay30Removes/Asia_Kolkata, …), so a failure says which
// rule broke. Store conformance (one method at a time) is storetest's job;
// this suite checks the rules that the Service builds on top of a store.
package ruletest
