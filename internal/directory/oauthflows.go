package directory

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"slices"
	"time"
)

// The authorization code and refresh token flows, as the domain sees
// them: which sign-in a code stands for, who may redeem it, and when a
// grant ends. The protocol layer speaks OAuth; these say yes or no.
//
// A grant ends when it is revoked (a refresh token reused), when it
// expires, and when its user may no longer sign in: every credential rule
// of credentials.go holds (SignInSessionsValidFrom, leave, delete,
// disable at home or in the tenant). A restore moves
// SignInSessionsValidFrom, so it never brings an old grant back.

// Lifetimes, as Entra has them.
const (
	AuthCodeTTL         = 10 * time.Minute
	RefreshTokenTTL     = 90 * 24 * time.Hour
	SPARefreshTokenTTL  = 24 * time.Hour
	RefreshTokenPrefix  = "odr_"
	AuthCodePrefix      = "odc_"
	minVerifierLen      = 43
	maxVerifierLen      = 128
	PKCEMethodS256      = "S256"
	oauthCodeUsedReason = "the authorization code was used already; the grant it gave is ended"
)

// Codes of token endpoint refusals (OAuth 2.0 error codes), in Error.Code.
const (
	CodeInvalidGrant  = "invalid_grant"
	CodeInvalidClient = "invalid_client"
)

func invalidGrant(msg string) *Error {
	return &Error{Kind: KindUnauthenticated, Code: CodeInvalidGrant, Message: msg}
}

func invalidClient() *Error {
	return &Error{Kind: KindUnauthenticated, Code: CodeInvalidClient, Message: "the client id or secret is not valid"}
}

// AuthCodeRequest is what an authorization request asks for.
type AuthCodeRequest struct {
	RedirectURI         string
	Scopes              []string
	Nonce               string
	CodeChallenge       string
	CodeChallengeMethod string
}

// ClientAuth is how a client presents itself at the token endpoint; a
// public client (spa, publicClient) has no secret.
type ClientAuth struct {
	ID     string
	Secret string
}

// TokenIssue is what the token endpoint issues: the sign-in's claims, and
// the next refresh token, shown once.
type TokenIssue struct {
	SignIn       *AppSignIn
	GrantID      string
	RefreshToken string
	Scopes       []string
	Nonce        string
}

// publicRedirect reports whether uri is one of the app's spa or
// publicClient redirect URIs (a client without a secret, PKCE required).
func (a *Application) publicRedirect(uri string) bool {
	return slices.Contains(a.SPARedirectURIs, uri) || slices.Contains(a.PublicClientRedirectURIs, uri)
}

// IssueAuthCode signs the session's person in to application clientID of
// tenantID (AuthorizeAppSignIn decides) and returns a single-use
// authorization code for redirectURI. The redirect URI must be one the app
// registered, exactly (KindInvalid, field redirect_uri: the protocol layer
// must then not redirect); PKCE is S256 only and required for spa and
// publicClient redirect URIs.
func (s *Service) IssueAuthCode(ctx context.Context, sess *Session, tenantID, clientID string, req AuthCodeRequest) (string, *AppSignIn, error) {
	in, err := s.AuthorizeAppSignIn(ctx, sess, tenantID, clientID)
	if err != nil {
		return "", nil, err
	}
	random, err := RandomSecret(32)
	if err != nil {
		return "", nil, Internal(err)
	}
	code := AuthCodePrefix + random
	err = s.store.Write(ctx, func(tx Tx) error {
		now := s.clock()
		app, err := tx.GetApplication(ctx, tenantID, clientID)
		if err != nil {
			return err
		}
		if !slices.Contains(app.RedirectURIs(), req.RedirectURI) {
			return Invalidf("redirect_uri", "AADSTS50011: the redirect URI %q is not registered for %s", req.RedirectURI, app.DisplayName)
		}
		public := app.publicRedirect(req.RedirectURI)
		switch {
		case req.CodeChallenge == "" && public:
			return Invalidf("code_challenge", "AADSTS9002325: PKCE (code_challenge, S256) is required for this client")
		case req.CodeChallenge != "" && req.CodeChallengeMethod != PKCEMethodS256:
			return Invalidf("code_challenge_method", "code_challenge_method must be S256")
		case req.CodeChallenge != "" && len(req.CodeChallenge) != 43:
			return Invalidf("code_challenge", "code_challenge must be the base64url SHA-256 of the verifier (43 characters)")
		}
		ttl := RefreshTokenTTL
		if slices.Contains(app.SPARedirectURIs, req.RedirectURI) {
			ttl = SPARefreshTokenTTL
		}
		g := &OAuthGrant{ID: s.newID(), TenantID: tenantID, AppID: app.ID, UserID: in.UserID, SessionID: in.SessionID,
			PublicClient: public, Scopes: slices.Clone(req.Scopes), Nonce: req.Nonce, AuthTime: in.AuthTime,
			CreatedAt: now, ExpiresAt: now.Add(ttl)}
		if err := tx.CreateOAuthGrant(ctx, g); err != nil {
			return err
		}
		return tx.CreateOAuthCode(ctx, &OAuthCode{Hash: HashSecret(code), GrantID: g.ID, RedirectURI: req.RedirectURI,
			CodeChallenge: req.CodeChallenge, CreatedAt: now, ExpiresAt: now.Add(AuthCodeTTL)})
	})
	if err != nil {
		return "", nil, wrap(err)
	}
	return code, in, nil
}

// verifierMatches checks a PKCE S256 verifier against its challenge.
func verifierMatches(verifier, challenge string) bool {
	if len(verifier) < minVerifierLen || len(verifier) > maxVerifierLen {
		return false
	}
	h := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(h[:])), []byte(challenge)) == 1
}

// clientOf checks the client's credentials for a grant: a confidential
// client's secret, or none for a public client's grant.
func (s *Service) clientOf(ctx context.Context, tenantID string, c ClientAuth, g *OAuthGrant) error {
	if g.TenantID != tenantID || g.AppID != c.ID {
		return invalidGrant("the grant was not issued to this client")
	}
	if c.Secret == "" {
		if g.PublicClient {
			return nil
		}
		return invalidClient()
	}
	if _, err := s.AuthenticateClient(ctx, tenantID, c.ID, c.Secret); err != nil {
		return invalidClient()
	}
	return nil
}

// RedeemAuthCode exchanges an authorization code for the grant's first
// refresh token and its sign-in's claims, read again now. A code used a
// second time ends the grant it gave (RFC 6749 §4.1.2).
func (s *Service) RedeemAuthCode(ctx context.Context, tenantID string, client ClientAuth, code, redirectURI, verifier string) (*TokenIssue, error) {
	if len(code) > maxSecretLen {
		return nil, invalidGrant("the authorization code is not valid")
	}
	var code0 *OAuthCode
	var grant *OAuthGrant
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if code0, err = tx.GetOAuthCode(ctx, HashSecret(code)); IsKind(err, KindNotFound) {
			return invalidGrant("the authorization code is not valid")
		} else if err != nil {
			return err
		}
		grant, err = tx.GetOAuthGrant(ctx, code0.GrantID)
		return err
	})
	if err != nil {
		return nil, wrap(err)
	}
	if err := s.clientOf(ctx, tenantID, client, grant); err != nil {
		return nil, err
	}
	now := s.clock()
	switch {
	case code0.RedirectURI != redirectURI:
		return nil, invalidGrant("the redirect_uri is not the one of the authorization request")
	case code0.CodeChallenge != "" && !verifierMatches(verifier, code0.CodeChallenge):
		return nil, invalidGrant("AADSTS501481: the code_verifier does not match the code_challenge")
	case code0.CodeChallenge == "" && verifier != "":
		return nil, invalidGrant("a code_verifier was sent for a request without code_challenge")
	case !now.Before(code0.ExpiresAt):
		return nil, invalidGrant("AADSTS70008: the authorization code has expired")
	}
	return s.issueFromGrant(ctx, grant, func(tx Tx) error {
		err := tx.UseOAuthCode(ctx, code0.Hash, now)
		if IsKind(err, KindConflict) {
			return errReuse
		}
		return err
	})
}

// RefreshGrant exchanges a refresh token for the next one (rotation) and
// fresh claims. A refresh token presented twice ends its whole grant
// (reuse detection): whoever holds any of its tokens is out.
func (s *Service) RefreshGrant(ctx context.Context, tenantID string, client ClientAuth, refreshToken string) (*TokenIssue, error) {
	if len(refreshToken) > maxSecretLen {
		return nil, invalidGrant("the refresh token is not valid")
	}
	var rt *RefreshToken
	var grant *OAuthGrant
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if rt, err = tx.GetRefreshToken(ctx, HashSecret(refreshToken)); IsKind(err, KindNotFound) {
			return invalidGrant("the refresh token is not valid")
		} else if err != nil {
			return err
		}
		grant, err = tx.GetOAuthGrant(ctx, rt.GrantID)
		return err
	})
	if err != nil {
		return nil, wrap(err)
	}
	if err := s.clientOf(ctx, tenantID, client, grant); err != nil {
		return nil, err
	}
	return s.issueFromGrant(ctx, grant, func(tx Tx) error {
		now := s.clock()
		err := tx.UseRefreshToken(ctx, rt.Hash, now)
		if IsKind(err, KindConflict) {
			return errReuse
		}
		if err != nil {
			return err
		}
		// A refresh is a non-interactive sign-in, in the write it costs.
		return tx.TouchSignInActivity(ctx, grant.TenantID, grant.UserID, false, now)
	})
}

var errReuse = invalidGrant("the token was used already; its grant is ended")

// issueFromGrant uses the presented code or token (use), checks that the
// grant and its user may still sign in, and issues the next refresh token,
// in one transaction. A reuse revokes the grant in a transaction of its
// own, so that the revocation sticks while the request fails.
func (s *Service) issueFromGrant(ctx context.Context, grant *OAuthGrant, use func(Tx) error) (*TokenIssue, error) {
	random, err := RandomSecret(32)
	if err != nil {
		return nil, Internal(err)
	}
	next := RefreshTokenPrefix + random
	var out *TokenIssue
	err = s.store.Write(ctx, func(tx Tx) error {
		o := s.newOp(ctx, tx, nil)
		now := o.now
		g, err := tx.GetOAuthGrant(ctx, grant.ID)
		if err != nil {
			return err
		}
		if g.RevokedAt != nil {
			return invalidGrant("the grant was ended")
		}
		if !now.Before(g.ExpiresAt) {
			return invalidGrant("AADSTS700082: the refresh token has expired")
		}
		if err := use(tx); err != nil {
			return err
		}
		in, err := o.grantSignIn(g)
		if err != nil {
			return err
		}
		if err := tx.CreateRefreshToken(ctx, &RefreshToken{Hash: HashSecret(next), GrantID: g.ID, CreatedAt: now}); err != nil {
			return err
		}
		out = &TokenIssue{SignIn: in, GrantID: g.ID, RefreshToken: next, Scopes: g.Scopes, Nonce: g.Nonce}
		return nil
	})
	if err == errReuse {
		rerr := s.store.Write(ctx, func(tx Tx) error {
			err := tx.RevokeOAuthGrant(ctx, grant.ID, s.clock())
			if IsKind(err, KindNotFound) {
				return nil // revoked already
			}
			return err
		})
		if rerr != nil {
			return nil, wrap(rerr)
		}
	}
	if err != nil {
		return nil, wrap(err)
	}
	return out, nil
}

// grantSignIn is the sign-in of a grant, read now: the app must still be
// the tenant's, the user must still be able to use a credential issued
// when the grant began, and still be assigned where assignment is
// required. A refusal is invalid_grant, with Entra's code.
func (o *op) grantSignIn(g *OAuthGrant) (*AppSignIn, error) {
	app, err := o.tx.GetApplication(o.ctx, g.TenantID, g.AppID)
	if IsKind(err, KindNotFound) {
		return nil, invalidGrant(CodeAppNotFound + ": the application no longer exists")
	}
	if err != nil {
		return nil, err
	}
	u, err := o.tx.GetUser(o.ctx, g.TenantID, g.UserID)
	if IsKind(err, KindNotFound) {
		return nil, invalidGrant(CodeNoAccount + ": the user no longer exists")
	}
	if err != nil {
		return nil, err
	}
	why, err := o.credentialRefusal(u, g.CreatedAt)
	if err != nil {
		return nil, err
	}
	if why != "" {
		code := CodeNoAccount
		if !u.Deleted() && !u.AccountEnabled || why == "the guest's home account is disabled" {
			code = CodeDisabled
		}
		return nil, invalidGrant(code + ": " + why)
	}
	t, err := o.tx.GetTenant(o.ctx, g.TenantID)
	if err != nil {
		return nil, err
	}
	in, err := o.appClaims(t, app, u)
	if err != nil {
		if e := AsError(err); e.Kind == KindAppSignInRefused {
			return nil, invalidGrant(e.Message)
		}
		return nil, err
	}
	in.AuthTime, in.SessionID = g.AuthTime, g.SessionID
	in.lastTokenUse = u.LastNonInteractiveSignInAt
	return in, nil
}

// AppToken is what a client credentials token says (Entra v2.0 app-only):
// the application acts as itself, no user.
type AppToken struct {
	TenantID string // tid
	AppID    string // azp, appid; the token's subject and oid too
	AppName  string
	// APIRoles are the application permissions of orgdir's API granted
	// to the app: the roles of its token for orgdir's API. (A token for
	// the app itself carries none: orgdir has no app-to-app roles.)
	APIRoles []string
}

// ClientCredentials authenticates a confidential client of tenantID for
// the client credentials flow; a bad id or secret is invalid_client.
func (s *Service) ClientCredentials(ctx context.Context, tenantID string, client ClientAuth) (*AppToken, error) {
	if client.Secret == "" {
		return nil, invalidClient()
	}
	// One read transaction: the client's secret and its API permissions.
	var app *Application
	var roles []string
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if app, err = s.authenticateClient(ctx, tx, tenantID, client.ID, client.Secret); err != nil {
			return err
		}
		roles, err = s.newOp(ctx, tx, nil).apiRoles(tenantID, app.ID)
		return err
	})
	if IsKind(err, KindUnauthenticated) {
		return nil, invalidClient()
	}
	if err != nil {
		return nil, wrap(err)
	}
	return &AppToken{TenantID: tenantID, AppID: app.ID, AppName: app.DisplayName, APIRoles: roles}, nil
}
