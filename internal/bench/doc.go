// Package bench measures orgdir's hot paths end to end, through the
// directory.Service and a real store, and reports throughput, latency
// percentiles and the Go heap. It backs the `orgdir bench` command and the
// testing.B benchmarks of this package, so the figures in
// docs/performance.md can be rerun by anyone. RunOIDC and RunHTTP go
// through the real server instead: RunHTTP runs `orgdir serve` as a child
// process over the bench's database and calls its JSON API.
//
// A run never touches existing data: it works in a new SQLite file (by
// default in a temporary directory, removed afterwards) or in a new
// PostgreSQL schema that it creates and drops.
package bench
