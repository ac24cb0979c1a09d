package directory

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Kind classifies an Error. Adapters map kinds to HTTP statuses, Graph error
// codes and pages; they branch on the kind, never on the message.
type Kind int

const (
	KindInternal        Kind = iota // a bug or an outage; the message is generic
	KindInvalid                     // the input is malformed or out of range
	KindNotFound                    // no such object (or one the actor may not know of)
	KindConflict                    // clashes with the current state (duplicate, already a member)
	KindUnauthenticated             // no valid actor
	KindForbidden                   // the actor may not do this
	KindRateLimited                 // too many attempts; retry later

	// The refusals of self-service leave, each its own kind so that every
	// client can tell the person what to do.
	KindLeaveHomeOrganization // members cannot leave their home organization
	KindLeaveNotGuest         // an external member (not a guest) cannot self-leave
	KindLeavePolicyOff        // the tenant turned self-service leave off
	KindLeaveDisabledAtHome   // the person's account is disabled in their home tenant
	KindLeaveDisabledInTenant // the guest account is disabled in the resource tenant

	KindRestoreClash      // a live user holds the deleted user's UPN or mail
	KindInvitationExpired // the redeem token has expired
	KindInvitationUsed    // the redeem token was already redeemed
	KindAccountDisabled   // the account exists but is disabled (sign-in refused)

	// KindInvitationSuperseded: the redeem token was replaced by a newer
	// invitation of the same person (a resend).
	KindInvitationSuperseded
	// KindInvitationOtherAddress: the invitation is for an address the
	// person signed in has not proven to be theirs.
	KindInvitationOtherAddress
	// KindAppSignInRefused: a person may not sign in to an application
	// (OpenID Connect); Error.Code carries Entra's AADSTS code.
	KindAppSignInRefused
)

var kindNames = map[Kind]string{
	KindInternal:               "internal",
	KindInvalid:                "invalid",
	KindNotFound:               "not_found",
	KindConflict:               "conflict",
	KindUnauthenticated:        "unauthenticated",
	KindForbidden:              "forbidden",
	KindRateLimited:            "rate_limited",
	KindLeaveHomeOrganization:  "leave_home_organization",
	KindLeaveNotGuest:          "leave_not_guest",
	KindLeavePolicyOff:         "leave_policy_off",
	KindLeaveDisabledAtHome:    "leave_disabled_at_home",
	KindLeaveDisabledInTenant:  "leave_disabled_in_tenant",
	KindRestoreClash:           "restore_clash",
	KindInvitationExpired:      "invitation_expired",
	KindInvitationUsed:         "invitation_used",
	KindAccountDisabled:        "account_disabled",
	KindInvitationSuperseded:   "invitation_superseded",
	KindInvitationOtherAddress: "invitation_other_address",
	KindAppSignInRefused:       "app_sign_in_refused",
}

// Kinds lists every kind, so that each adapter's table of them can be
// checked for one it forgot.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kindNames))
	for k := range kindNames {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Contact is where a person is sent when orgdir refuses them something that
// only a tenant's administrator can change.
type Contact struct {
	TenantID            string
	TenantName          string
	PrivacyContactEmail string
	PrivacyStatementURL string
}

// Error is the one error type of the domain. Message is safe to show to the
// client; Err is the cause, for the log only.
type Error struct {
	Kind    Kind
	Message string
	Field   string   // the input field at fault, for KindInvalid
	Contact *Contact // for refusals that need an administrator
	// RetryAfter is how long a KindRateLimited caller must wait, when the
	// domain knows (adapters send it as Retry-After).
	RetryAfter time.Duration
	// Code is a protocol's code for the refusal, for KindAppSignInRefused
	// Entra's (AADSTS50105…), which also starts Message.
	Code string
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Kind.String() + ": " + e.Message + ": " + e.Err.Error()
	}
	return e.Kind.String() + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error of kind k with a client-safe message.
func Errorf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// Invalidf builds a KindInvalid error that names the field at fault.
func Invalidf(field, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps a cause as KindInternal; the client sees a generic message.
func Internal(err error) *Error {
	return &Error{Kind: KindInternal, Message: "internal error", Err: err}
}

// KindOf returns the kind of err: KindInternal for errors that are not *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// IsKind reports whether err is an *Error of kind k.
func IsKind(err error, k Kind) bool {
	return err != nil && KindOf(err) == k
}

// AsError returns err as *Error, wrapping foreign errors as KindInternal.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}
