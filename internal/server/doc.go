// Package server is orgdir's HTTP shell: the http.Server with its timeouts
// and graceful shutdown, the health endpoints, and the one routes function
// where the JSON API (internal/httpapi, under /v1.0/) and the web UI
// (internal/webui, under /) are mounted. It holds no rule of its own.
package server
