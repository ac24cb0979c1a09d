package directory

import "context"

// Actor is who is calling the Service. Exactly one of these forms is used:
//   - a user object acting in its tenant: TenantID and UserID;
//   - a person without a home tenant here, signed in by e-mail passcode:
//     EmailIdentityID;
//   - an application acting as itself with an app-only token of orgdir's
//     API: TenantID and AppID, with the permissions its token carries
//     (AppRoles, values such as User.Read.All);
//   - orgdir itself (the CLI, the purge job, the demo seed): System names it,
//     and it may do anything.
type Actor struct {
	TenantID        string
	UserID          string
	EmailIdentityID string
	AppID           string
	AppRoles        []string
	// DelegatedScopes, when not nil, bound what a user actor may do: the
	// permissions of orgdir's API that its delegated token was issued for
	// (Graph's scp). nil is no bound (a session, an opaque token, a token
	// asked for with .default): the user's directory roles alone decide.
	DelegatedScopes []string
	System          string
}

// SystemActor is orgdir acting on its own behalf, e.g. "orgdir CLI".
func SystemActor(name string) Actor { return Actor{System: name} }

// UserActor is the user userID acting in tenantID.
func UserActor(tenantID, userID string) Actor { return Actor{TenantID: tenantID, UserID: userID} }

// AppActor is application appID of tenantID acting as itself, with the
// permissions of orgdir's API its token carries. It holds only those of
// them still granted when it acts.
func AppActor(tenantID, appID string, roles []string) Actor {
	return Actor{TenantID: tenantID, AppID: appID, AppRoles: roles}
}

// EmailActor is a person signed in with an e-mail one-time passcode.
func EmailActor(emailIdentityID string) Actor { return Actor{EmailIdentityID: emailIdentityID} }

// IsSystem reports whether the actor is orgdir itself.
func (a Actor) IsSystem() bool { return a.System != "" }

type actorKey struct{}
type correlationKey struct{}

// WithActor returns a context that carries a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx and whether there is one.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// WithCorrelationID returns a context whose audit records carry id (the
// API's request-id), so one request's events can be found together.
func WithCorrelationID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, correlationKey{}, id)
}

// CorrelationID returns the correlation id of ctx, or "".
func CorrelationID(ctx context.Context) string {
	id, _ := ctx.Value(correlationKey{}).(string)
	return id
}

type clientAddrKey struct{}

// WithClientAddr returns a context whose sign-in records carry addr, the
// address the request came from (the server sets it for every request).
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientAddrKey{}, addr)
}

// ClientAddr returns the client address of ctx, or "".
func ClientAddr(ctx context.Context) string {
	a, _ := ctx.Value(clientAddrKey{}).(string)
	return a
}
