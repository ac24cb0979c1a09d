// Package storetest is the conformance suite of directory.Store. Every
// backend runs it in a few lines:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) directory.Store { … a fresh, empty store … })
//	}
//
// The suite goes through the Tx interface only, so one set of tests pins the
// behaviour every backend must share: kinds of errors, tenant isolation of
// every entity, keyset paging, filters, uniqueness among live users,
// erasure, the purge scan and transactions.
package storetest
