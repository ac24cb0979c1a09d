// Package jobs holds orgdir's background work. Today that is the retention
// purge: RunPurge runs it on an interval inside `orgdir serve`, and
// PurgeOnce is the single pass behind `orgdir purge`. Both call the domain's
// PurgeExpired with the time of an injected clock, so the rules (never
// early, bounded batches, one transaction per batch) stay in one place.
package jobs
