// Package oidcprovider is orgdir's OpenID Connect provider and OAuth 2.0
// authorization server: the protocol endpoints of every tenant, in Entra
// ID's v2.0 layout (/{tenant}/v2.0/.well-known/openid-configuration,
// /{tenant}/oauth2/v2.0/authorize, token, revoke, introspect,
// /{tenant}/discovery/v2.0/keys, /{tenant}/oidc/userinfo).
//
// It only speaks the protocol: who may sign in where, what a token says,
// and when a grant ends are decided by internal/directory
// (AuthorizeAppSignIn, IssueAuthCode, RedeemAuthCode, RefreshGrant,
// ClientCredentials, GrantSignIn). Tokens are JWTs signed RS256 with the
// directory's signing keys through github.com/go-jose/go-jose/v4; the
// protocol's vocabulary (error codes, discovery and token responses) is
// github.com/zitadel/oidc/v3/pkg/oidc. The authorize endpoint shares the
// web UI's browser session (internal/websession) and sends people without
// one to the web UI's sign-in page and back.
package oidcprovider
