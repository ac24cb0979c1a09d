// Package httpx is orgdir's one HTTP pipeline: every request, API, web UI,
// health or any later endpoint, passes through Pipeline.Wrap once, which
// gives it a request id, recovers a panic, writes one access log line and
// records its metrics, named by the route pattern that served it. Adapters
// name their routes with Route (or SetRoute, when they route themselves)
// in the one loop that registers them, so a new route cannot go unnamed.
package httpx
