package directory

import "time"

// UserType is Graph's userType.
type UserType string

const (
	Member UserType = "Member"
	Guest  UserType = "Guest"
)

// ExternalUserState is Graph's externalUserState; empty for members that
// were not invited.
type ExternalUserState string

const (
	PendingAcceptance ExternalUserState = "PendingAcceptance"
	Accepted          ExternalUserState = "Accepted"
)

// CreationTypeInvitation marks users created by an invitation.
const CreationTypeInvitation = "Invitation"

// Sign-in types of ObjectIdentity, as in Graph.
const (
	SignInTypeUserPrincipalName = "userPrincipalName"
	SignInTypeFederated         = "federated"
	SignInTypeEmailAddress      = "emailAddress"
)

// IssuerMail is the issuer of e-mail one-time-passcode identities.
const IssuerMail = "mail"

// ObjectIdentity is one element of Graph's user.identities.
type ObjectIdentity struct {
	SignInType       string
	Issuer           string
	IssuerAssignedID string
}

// User is a user object of one tenant: a member, or a guest invited from
// elsewhere.
type User struct {
	ID                              string // UUID
	TenantID                        string
	UserPrincipalName               string // unique (case-insensitive) among live users of the tenant
	Mail                            string // unique (case-insensitive) among live users of the tenant, when set
	DisplayName                     string // 1 to 256 characters
	UserType                        UserType
	AccountEnabled                  bool
	CreatedAt                       time.Time
	CreationType                    string // "" or CreationTypeInvitation
	ExternalUserState               ExternalUserState
	ExternalUserStateChangeDateTime *time.Time
	Identities                      []ObjectIdentity

	// A redeemed invited user is bound to the person's home identity:
	// exactly one of these is set once redeemed, neither before.
	HomeUserID          string // a member user of another tenant on this instance
	HomeEmailIdentityID string // an e-mail one-time-passcode identity

	// Soft delete: DeletedAt is set while the user is in Deleted users, and
	// PurgeAt is when the retention ends (DeletedAt + the tenant's retention
	// at the time of deletion).
	DeletedAt *time.Time
	PurgeAt   *time.Time

	// SignInSessionsValidFrom is Graph's signInSessionsValidFromDateTime:
	// every session and token of this user issued at or before it is dead
	// for good. Zero means never moved (Graph then reports CreatedAt).
	// Leave, soft delete, restore, disable, password reset and
	// revokeSignInSessions move it to now.
	SignInSessionsValidFrom time.Time

	// Graph's signInActivity: the last successful interactive sign-in to
	// this tenant (lastSignInDateTime) and the last use of a token or
	// refresh token (lastNonInteractiveSignInDateTime); nil: never. Kept
	// at SignInActivityGranularity, so that use is not a write per request.
	LastSignInAt               *time.Time
	LastNonInteractiveSignInAt *time.Time
}

// SignInActivityGranularity is how stale a stored sign-in time may get:
// it is written again only once it is this old, so a user costs at most
// one write an hour however often they sign in or call the API.
const SignInActivityGranularity = time.Hour

// signInActivityStale reports whether a sign-in at now should be
// written over last.
func signInActivityStale(last *time.Time, now time.Time) bool {
	return last == nil || !now.Before(last.Add(SignInActivityGranularity))
}

// CredentialsValidFrom is SignInSessionsValidFrom as Graph reports it.
func (u *User) CredentialsValidFrom() time.Time {
	if u.SignInSessionsValidFrom.IsZero() {
		return u.CreatedAt
	}
	return u.SignInSessionsValidFrom
}

// IssuedValid reports whether a credential issued at issued is still valid
// for u as far as revocation goes: issued strictly after the last move of
// SignInSessionsValidFrom, so that a revocation at the same instant as an
// issue wins.
func (u *User) IssuedValid(issued time.Time) bool {
	return u.SignInSessionsValidFrom.IsZero() || issued.After(u.SignInSessionsValidFrom)
}

// Deleted reports whether the user is in Deleted users.
func (u *User) Deleted() bool { return u.DeletedAt != nil }

// External reports whether the user was invited from elsewhere (a guest, or
// an external member).
func (u *User) External() bool { return u.CreationType == CreationTypeInvitation }

// EmailIdentity is a person with no home tenant on this instance, who signs
// in with a one-time passcode sent to Email.
type EmailIdentity struct {
	ID        string // UUID
	Email     string // unique, case-insensitive
	CreatedAt time.Time
}

// UserKey names a user across tenants (the purge job's unit of work).
type UserKey struct {
	TenantID string
	UserID   string
}
