// Package httpapi is orgdir's JSON API in the shape of Microsoft Graph v1.0,
// mounted at /v1.0/. Paths, property names, OData query options, paging
// (@odata.nextLink with an opaque $skiptoken) and the error body follow
// Graph, so that Graph's SDKs and people who know Graph work unchanged;
// docs/api.md lists every endpoint and where orgdir departs from Graph.
//
// Handlers only parse and render: every rule and every authorization
// decision is the domain's (directory.Service), called with the actor of
// the bearer token (internal/auth). A handler returns an error and one
// adapter, writeError, turns it into Graph's error body; every route is
// listed in routes.go, one file per resource.
//
// Before routing, ServeHTTP authenticates the token (its hash, never the
// secret, is what is looked up and kept) and spends one request of the
// token's bucket (throttle.go: 429 TooManyRequests with Retry-After, as
// Graph). A panic in a handler becomes the generic 500 of writeError. The
// tests walk routes.go's table, so that every route, new ones included, is
// proven to keep tenants apart and to honour $select.
package httpapi
