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
package httpapi
