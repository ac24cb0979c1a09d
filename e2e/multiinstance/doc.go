// Package multiinstance proves that several orgdir instances can share one
// PostgreSQL database: each test opens two instances (two stores, each with
// its own connection pool, and two Services) on a schema of its own, or
// starts two `orgdir purge` processes, and races them on the same users.
//
// What it shows: concurrent purges (in-process and two `orgdir purge`
// processes) remove every expired user exactly once and none early, and do
// not wait for each other; leave, restore and permanent delete of one user
// from two instances end in one valid state that the audit log describes
// truthfully, and a leave does not overwrite an administrator's concurrent
// disable or delete; a person's e-mail identity goes with the last of their
// guests even when two instances purge them at once; a userPrincipalName
// created on two instances at once is taken by exactly one.
//
// The tests need ORGDIR_TEST_POSTGRES (e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable); without it they
// skip, or fail when ORGDIR_REQUIRE_SERVICES=1 (CI).
package multiinstance
