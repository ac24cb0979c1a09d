package directory

import (
	"context"
	"crypto/subtle"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Applications as OpenID Connect clients: redirect URIs, client secrets
// and whether sign-in needs an assignment. Who may change them is who
// manages applications (Global and User Administrators; orgdir has no
// Application Administrator role yet).

// Bounds of client settings, as Entra has them.
const (
	MaxRedirectURIs        = 256 // per platform
	maxRedirectURILen      = 256
	DefaultSecretLifetime  = 2 * 365 * 24 * time.Hour // Graph: endDateTime defaults to start + 2 years
	MaxSecretLifetime      = 2 * 365 * 24 * time.Hour
	maxPasswordCredentials = 16
	// ClientSecretPrefix starts every client secret, so that a leaked one
	// is easy to recognise.
	ClientSecretPrefix = "ods_"
)

// ApplicationPatch changes an application's client settings; nil fields
// stay as they are.
type ApplicationPatch struct {
	DisplayName               *string
	WebRedirectURIs           *[]string
	WebLogoutURL              *string
	WebHomePageURL            *string
	SPARedirectURIs           *[]string
	PublicClientRedirectURIs  *[]string
	AppRoleAssignmentRequired *bool
	GroupMembershipClaims     *string // None (or ""), SecurityGroup or All
}

// ValidRedirectURI checks one redirect or logout URI: absolute, https (http
// only for localhost, 127.0.0.1 and [::1], as Entra allows for
// development), no fragment, no wildcard, no user info.
func ValidRedirectURI(field, raw string) error {
	if raw == "" || len(raw) > maxRedirectURILen {
		return Invalidf(field, "%s must be 1 to %d characters", field, maxRedirectURILen)
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return Invalidf(field, "%s %q is not an absolute URL", field, raw)
	}
	switch {
	case strings.Contains(raw, "#"):
		return Invalidf(field, "%s %q must not have a fragment (#…)", field, raw)
	case strings.Contains(raw, "*"):
		return Invalidf(field, "%s %q must not have a wildcard", field, raw)
	case u.User != nil:
		return Invalidf(field, "%s %q must not carry a user name or password", field, raw)
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopbackHost(u.Hostname()):
		return nil
	case u.Scheme == "http":
		return Invalidf(field, "%s %q must use https (http only for localhost)", field, raw)
	}
	return Invalidf(field, "%s %q must be an https URL", field, raw)
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func validRedirectURIs(field string, uris []string) ([]string, error) {
	if len(uris) > MaxRedirectURIs {
		return nil, Invalidf(field, "%s may list at most %d URIs", field, MaxRedirectURIs)
	}
	out := make([]string, 0, len(uris))
	for i, raw := range uris {
		raw = strings.TrimSpace(raw)
		f := field + "[" + strconv.Itoa(i) + "]"
		if err := ValidRedirectURI(f, raw); err != nil {
			return nil, err
		}
		if slices.Contains(out, raw) {
			return nil, Invalidf(f, "%s %q is listed twice", f, raw)
		}
		out = append(out, raw)
	}
	return out, nil
}

// validPatch checks every field of p before anything is written.
func validAppPatch(p ApplicationPatch) (ApplicationPatch, error) {
	var err error
	if p.GroupMembershipClaims != nil {
		switch v := *p.GroupMembershipClaims; {
		case v == "" || strings.EqualFold(v, "None"):
			v = ""
			p.GroupMembershipClaims = &v
		case strings.EqualFold(v, GroupClaimsSecurityGroup):
			v = GroupClaimsSecurityGroup
			p.GroupMembershipClaims = &v
		case strings.EqualFold(v, GroupClaimsAll):
			v = GroupClaimsAll
			p.GroupMembershipClaims = &v
		default:
			return p, Invalidf("groupMembershipClaims", "groupMembershipClaims must be None, SecurityGroup or All, not %q", v)
		}
	}
	if p.DisplayName != nil {
		name, err := validDisplayName("displayName", *p.DisplayName)
		if err != nil {
			return p, err
		}
		p.DisplayName = &name
	}
	for _, f := range []struct {
		name string
		v    **[]string
	}{{"web.redirectUris", &p.WebRedirectURIs}, {"spa.redirectUris", &p.SPARedirectURIs}, {"publicClient.redirectUris", &p.PublicClientRedirectURIs}} {
		if *f.v == nil {
			continue
		}
		uris, err := validRedirectURIs(f.name, **f.v)
		if err != nil {
			return p, err
		}
		*f.v = &uris
	}
	if p.WebHomePageURL != nil {
		u := strings.TrimSpace(*p.WebHomePageURL)
		if u != "" {
			if err = ValidRedirectURI("web.homePageUrl", u); err != nil {
				return p, err
			}
		}
		p.WebHomePageURL = &u
	}
	if p.WebLogoutURL != nil {
		u := strings.TrimSpace(*p.WebLogoutURL)
		if u != "" {
			if err = ValidRedirectURI("web.logoutUrl", u); err != nil {
				return p, err
			}
		}
		p.WebLogoutURL = &u
	}
	return p, nil
}

// manageableApp loads an application the caller may change. One the
// caller can see (a guest sees the apps it holds a role of) is refused as
// KindForbidden, not as not found: what GET answers 200 for, a change must
// not answer "not found".
func (o *op) manageableApp(tenantID, id string) (*Application, error) {
	a, err := o.application(tenantID, id)
	if err != nil {
		return nil, err
	}
	if !o.c.may(tenantID, permManage) {
		return nil, Errorf(KindForbidden, "you do not have permission to change this application")
	}
	return a, nil
}

// UpdateApplication changes an application's name, redirect URIs, logout
// URL and appRoleAssignmentRequired (Global and User Administrators). The
// change to the registration is audited as "Update application", the one
// to appRoleAssignmentRequired as "Update service principal", in the same
// transaction.
func (s *Service) UpdateApplication(ctx context.Context, tenantID, id string, p ApplicationPatch) (*Application, error) {
	p, err := validAppPatch(p)
	if err != nil {
		return nil, err
	}
	return writeResult(s, ctx, func(o *op) (*Application, error) {
		a, err := o.manageableApp(tenantID, id)
		if err != nil {
			return nil, err
		}
		return o.updateApp(tenantID, a, p)
	})
}

// updateApp applies a checked patch to a, with its audit records.
func (o *op) updateApp(tenantID string, a *Application, p ApplicationPatch) (*Application, error) {
	var props, spProps []ModifiedProperty
	if p.DisplayName != nil {
		if m, ok := changed("DisplayName", a.DisplayName, *p.DisplayName); ok {
			props = append(props, m)
			a.DisplayName = *p.DisplayName
		}
	}
	for _, f := range []struct {
		name string
		new  *[]string
		cur  *[]string
	}{{"Web.RedirectUris", p.WebRedirectURIs, &a.WebRedirectURIs}, {"Spa.RedirectUris", p.SPARedirectURIs, &a.SPARedirectURIs},
		{"PublicClient.RedirectUris", p.PublicClientRedirectURIs, &a.PublicClientRedirectURIs}} {
		if f.new != nil && !slices.Equal(*f.new, *f.cur) {
			props = append(props, ModifiedProperty{DisplayName: f.name, OldValue: jsonValue(*f.cur), NewValue: jsonValue(*f.new)})
			*f.cur = *f.new
		}
	}
	if p.WebLogoutURL != nil {
		if m, ok := changed("Web.LogoutUrl", a.WebLogoutURL, *p.WebLogoutURL); ok {
			props = append(props, m)
			a.WebLogoutURL = *p.WebLogoutURL
		}
	}
	if p.WebHomePageURL != nil {
		if m, ok := changed("Web.HomePageUrl", a.WebHomePageURL, *p.WebHomePageURL); ok {
			props = append(props, m)
			a.WebHomePageURL = *p.WebHomePageURL
		}
	}
	if p.GroupMembershipClaims != nil {
		if m, ok := changed("GroupMembershipClaims", a.GroupMembershipClaims, *p.GroupMembershipClaims); ok {
			props = append(props, m)
			a.GroupMembershipClaims = *p.GroupMembershipClaims
		}
	}
	if p.AppRoleAssignmentRequired != nil {
		if m, ok := changed("AppRoleAssignmentRequired", a.AppRoleAssignmentRequired, *p.AppRoleAssignmentRequired); ok {
			spProps = append(spProps, m)
			a.AppRoleAssignmentRequired = *p.AppRoleAssignmentRequired
		}
	}
	if len(props) == 0 && len(spProps) == 0 {
		return a, nil
	}
	if err := o.tx.UpdateApplication(o.ctx, a); err != nil {
		return nil, err
	}
	if len(props) > 0 {
		t := appTarget(a)
		t.ModifiedProperties = props
		if err := o.audit(o.event(tenantID, ActivityUpdateApplication, CategoryApplicationManagement, opUpdate, t)); err != nil {
			return nil, err
		}
	}
	if len(spProps) > 0 {
		t := appTarget(a)
		t.Type = targetServicePrincipal
		t.ModifiedProperties = spProps
		if err := o.audit(o.event(tenantID, ActivityUpdateServicePrincipal, CategoryApplicationManagement, opUpdate, t)); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// AddApplicationPassword adds a client secret to an application (Graph's
// addPassword; Global and User Administrators) and returns it with the
// secret, shown this once. end zero is start + 2 years, Graph's default;
// it must be after now and at most 2 years away.
//
// Only the secret's SHA-256 is kept: a secret is 32 random bytes, so
// nobody can guess it from its hash and a slow password hash (argon2id,
// internal/auth) would only slow down every token request.
func (s *Service) AddApplicationPassword(ctx context.Context, tenantID, appID, displayName string, end time.Time) (string, *PasswordCredential, error) {
	name, err := validOptionalLen("passwordCredential.displayName", displayName, 256)
	if err != nil {
		return "", nil, err
	}
	random, err := RandomSecret(32)
	if err != nil {
		return "", nil, Internal(err)
	}
	secret := ClientSecretPrefix + random
	cred, err := writeResult(s, ctx, func(o *op) (*PasswordCredential, error) {
		switch {
		case end.IsZero():
			end = o.now.Add(DefaultSecretLifetime)
		case !end.After(o.now):
			return nil, Invalidf("passwordCredential.endDateTime", "passwordCredential.endDateTime %s is not in the future", end.UTC().Format(time.RFC3339))
		case end.After(o.now.Add(MaxSecretLifetime)):
			return nil, Invalidf("passwordCredential.endDateTime", "passwordCredential.endDateTime may be at most 2 years away")
		}
		a, err := o.manageableApp(tenantID, appID)
		if err != nil {
			return nil, err
		}
		if len(a.PasswordCredentials) >= maxPasswordCredentials {
			return nil, Errorf(KindConflict, "%s already has %d client secrets; remove one first", a.DisplayName, maxPasswordCredentials)
		}
		c := PasswordCredential{KeyID: o.s.newID(), DisplayName: name, Hint: secret[:3],
			StartDateTime: o.now, EndDateTime: end.UTC(), SecretHash: HashSecret(secret)}
		a.PasswordCredentials = append(a.PasswordCredentials, c)
		if err := o.tx.UpdateApplication(o.ctx, a); err != nil {
			return nil, err
		}
		e := o.event(tenantID, ActivityUpdateAppSecrets, CategoryApplicationManagement, opUpdate, appTarget(a))
		e.AdditionalDetails = []KeyValue{{Key: "keyId", Value: c.KeyID}, {Key: "operation", Value: "addPassword"}}
		return &c, o.audit(e)
	})
	if err != nil {
		return "", nil, err
	}
	return secret, cred, nil
}

// RemoveApplicationPassword removes a client secret by its keyId (Graph's
// removePassword); an unknown keyId is KindNotFound.
func (s *Service) RemoveApplicationPassword(ctx context.Context, tenantID, appID, keyID string) error {
	return s.write(ctx, func(o *op) error {
		a, err := o.manageableApp(tenantID, appID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(a.PasswordCredentials, func(c PasswordCredential) bool { return c.KeyID == keyID })
		if i < 0 {
			return notFound("password credential")
		}
		a.PasswordCredentials = slices.Delete(a.PasswordCredentials, i, i+1)
		if err := o.tx.UpdateApplication(o.ctx, a); err != nil {
			return err
		}
		e := o.event(tenantID, ActivityUpdateAppSecrets, CategoryApplicationManagement, opUpdate, appTarget(a))
		e.AdditionalDetails = []KeyValue{{Key: "keyId", Value: keyID}, {Key: "operation", Value: "removePassword"}}
		return o.audit(e)
	})
}

// AuthenticateClient returns the application clientID of tenantID when
// secret is one of its client secrets, valid now; anything else is
// KindUnauthenticated, with one message, so that a caller learns nothing
// of which part was wrong. It needs no actor: the token endpoint calls it.
func (s *Service) AuthenticateClient(ctx context.Context, tenantID, clientID, secret string) (*Application, error) {
	var app *Application
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		app, err = s.authenticateClient(ctx, tx, tenantID, clientID, secret)
		return err
	})
	if err != nil {
		return nil, wrap(err)
	}
	return app, nil
}

// authenticateClient is AuthenticateClient inside tx, for flows that read
// more in the same transaction.
func (s *Service) authenticateClient(ctx context.Context, tx Tx, tenantID, clientID, secret string) (*Application, error) {
	refused := unauthenticated("the client id or secret is not valid")
	if !ValidID(clientID) || !strings.HasPrefix(secret, ClientSecretPrefix) || len(secret) > maxSecretLen {
		return nil, refused
	}
	now := s.clock()
	want := HashSecret(secret)
	a, err := tx.GetApplication(ctx, tenantID, clientID)
	if IsKind(err, KindNotFound) {
		return nil, refused
	}
	if err != nil {
		return nil, err
	}
	for _, c := range a.PasswordCredentials {
		if subtle.ConstantTimeCompare(c.SecretHash, want) == 1 && !now.Before(c.StartDateTime) && now.Before(c.EndDateTime) {
			return a, nil
		}
	}
	return nil, refused
}

// RedirectURIs lists every redirect URI of a, of every platform.
func (a *Application) RedirectURIs() []string {
	return slices.Concat(a.WebRedirectURIs, a.SPARedirectURIs, a.PublicClientRedirectURIs)
}
