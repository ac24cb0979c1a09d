// Package metrics is orgdir's Prometheus instrumentation: one registry of
// every series (docs/operations.md lists them), the recorders the HTTP
// pipeline, the purge job, the mail deliverer and the sign-in pages call,
// and collectors that read the database pools and the directory's
// operational figures at scrape time. Every method is safe on a nil
// *Metrics, which records nothing, so tests and commands that do not serve
// metrics need no wiring. Labels never carry personal data: routes are
// patterns, results are fixed words.
package metrics
