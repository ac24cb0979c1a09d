package directory

import (
	"context"
	"time"
)

// Sign-in logs, as Entra keeps them beside the directory audit: every
// interactive sign-in (password, passcode, a guest entering a tenant) and
// every refused use of a credential, with the reason. The reason is the
// admins': the person signing in is told only what the sign-in page tells
// everyone. A record is written in a transaction of its own, after the
// decision, so that a refusal (which changes nothing else) is kept too.
// Records are erased with the user they name and expire after
// SignInLogRetention.

// Entra's AADSTS error codes of sign-in failures (status/errorCode);
// success is 0.
const (
	SignInSucceeded        = 0
	SignInWrongPassword    = 50126 // invalid user name or password
	SignInLocked           = 50053 // too many attempts: throttled
	SignInAccountDisabled  = 50057 // disabled in this tenant or at home
	SignInUnknownUser      = 50034 // no such user (or it was deleted)
	SignInNotInTenant      = 50020 // no account in this tenant
	SignInSessionsRevoked  = 50133 // revokeSignInSessions, password reset
	SignInTokenRevoked     = 50173 // the credential itself was revoked
	SignInTokenExpired     = 70008 // the credential has expired
	SignInWrongPasscode    = 50181 // one-time passcode wrong, used or expired
	SignInNotAssignedToApp = 50105 // the app requires an assignment
	SignInNoSuchApp        = 700016
)

// Sign-in methods (how the person proved who they are).
const (
	MethodPassword = "password"
	MethodPasscode = "passcode"
	MethodSession  = "session" // an existing sign-in session (a guest entering a tenant, an app)
	MethodToken    = "token"   // an API bearer token
)

// PortalAppName is the appDisplayName of sign-ins to orgdir itself (the
// portals and the API), as Entra names its own.
const PortalAppName = "orgdir"

// DefaultSignInLogRetention is how long sign-in records are kept: 30
// days, as Entra keeps them with a P1 licence.
const DefaultSignInLogRetention = 30 * 24 * time.Hour

// SignInEvent is one record of a tenant's sign-in log.
type SignInEvent struct {
	ID       string
	TenantID string // the tenant signed in to (resourceTenantId)
	Time     time.Time
	// UserID is the user object in TenantID, "" when no user matched (the
	// name typed is then in UserPrincipalName).
	UserID            string
	UserDisplayName   string
	UserPrincipalName string
	UserType          UserType // "" when no user matched
	// HomeTenantID is the guest's home tenant, for a guest from another
	// tenant; "" for members and passcode guests.
	HomeTenantID   string
	AppID          string // "" for orgdir itself
	AppDisplayName string
	ClientAddr     string
	Method         string
	Interactive    bool
	ErrorCode      int // SignInSucceeded or an AADSTS code
	FailureReason  string
	CorrelationID  string
}

// Succeeded reports whether the sign-in succeeded.
func (e *SignInEvent) Succeeded() bool { return e.ErrorCode == SignInSucceeded }

// SignInQuery selects sign-in records of one tenant, newest first.
type SignInQuery struct {
	Filter Filter // on SignInFilter's properties
	After  *SignInEvent
	Limit  int
}

// SignInFilter is what a SignInQuery's Filter may name.
var SignInFilter = FilterProperties{
	"createdDateTime": PropDateTime, "userId": PropText, "userPrincipalName": PropText,
	"appId": PropText, "appDisplayName": PropText, "ipAddress": PropText,
	"isInteractive": PropBool, "status/errorCode": PropInt,
}

// SignInHour counts one hour's sign-ins.
type SignInHour struct {
	Hour      time.Time // the hour's start, UTC
	Succeeded int
	Failed    int
}

// SignInLogTx keeps the sign-in log.
type SignInLogTx interface {
	AppendSignIn(ctx context.Context, e *SignInEvent) error
	GetSignIn(ctx context.Context, tenantID, id string) (*SignInEvent, error)
	ListSignIns(ctx context.Context, tenantID string, q SignInQuery) ([]*SignInEvent, error)
	// ListUserSignIns returns the records of one user, oldest first
	// (export).
	ListUserSignIns(ctx context.Context, tenantID, userID string) ([]*SignInEvent, error)
	// CountSignInsByHour counts the tenant's records at or after since by
	// hour (UTC); hours without any are left out.
	CountSignInsByHour(ctx context.Context, tenantID string, since time.Time) ([]SignInHour, error)
	// DeleteSignInsBefore removes at most limit records, of any tenant,
	// older than before, and returns how many.
	DeleteSignInsBefore(ctx context.Context, before time.Time, limit int) (int, error)
}

// signInRecord is a record of the op's time and request, to be filled in.
func (s *Service) signInRecord(ctx context.Context, tenantID, method string, interactive bool) *SignInEvent {
	corr := CorrelationID(ctx)
	return &SignInEvent{ID: s.newID(), TenantID: tenantID, Time: s.clock(), ClientAddr: ClientAddr(ctx),
		Method: method, Interactive: interactive, AppDisplayName: PortalAppName, CorrelationID: corr}
}

// naming fills in the user the record is about.
func (e *SignInEvent) naming(u *User) *SignInEvent {
	if u != nil {
		e.UserID, e.UserDisplayName, e.UserPrincipalName, e.UserType = u.ID, u.DisplayName, u.UserPrincipalName, u.UserType
	}
	return e
}

// failed sets the record's failure.
func (e *SignInEvent) failed(code int, reason string) *SignInEvent {
	e.ErrorCode, e.FailureReason = code, reason
	return e
}

// recordSignIn writes e in a Write of its own. A record naming a user that
// is gone by now (erased in between) is kept without the user.
func (s *Service) recordSignIn(ctx context.Context, e *SignInEvent) error {
	if e == nil || e.TenantID == "" {
		return nil
	}
	err := s.store.Write(ctx, func(tx Tx) error {
		if err := tx.AppendSignIn(ctx, e); err != nil {
			return err
		}
		// The user's signInActivity, in the write the record costs anyway
		// (the store's condition leaves a fresh value alone).
		if e.Succeeded() && e.UserID != "" {
			return tx.TouchSignInActivity(ctx, e.TenantID, e.UserID, e.Interactive, e.Time)
		}
		return nil
	})
	if IsKind(err, KindNotFound) && e.UserID != "" {
		e.UserID, e.UserDisplayName, e.UserPrincipalName = "", "", ""
		err = s.store.Write(ctx, func(tx Tx) error { return tx.AppendSignIn(ctx, e) })
	}
	if err != nil {
		return wrap(err)
	}
	if s.opts.OnSignIn != nil {
		s.opts.OnSignIn(e)
	}
	return nil
}

// recordRefusal records a refused sign-in and returns refusal, the error
// the caller was going to return anyway: a record that cannot be written
// does not change what the person is told.
func (s *Service) recordRefusal(ctx context.Context, e *SignInEvent, refusal error) error {
	_ = s.recordSignIn(ctx, e)
	return refusal
}

// ListSignIns returns the tenant's sign-in records, newest first (Global
// and User Administrators, who read the audit log).
func (s *Service) ListSignIns(ctx context.Context, tenantID string, q SignInQuery) ([]*SignInEvent, error) {
	if err := validLimit("limit", q.Limit); err != nil {
		return nil, err
	}
	if err := validFilterText(q.Filter); err != nil {
		return nil, err
	}
	if a := q.After; a != nil && !plainText(a.ID) {
		return nil, badCursor()
	}
	return readResult(s, ctx, func(o *op) ([]*SignInEvent, error) {
		if err := o.c.require(tenantID, permReadAudit); err != nil {
			return nil, err
		}
		if _, err := o.tenant(tenantID); err != nil {
			return nil, err
		}
		return o.tx.ListSignIns(o.ctx, tenantID, q)
	})
}

// GetSignIn returns one sign-in record of the tenant.
func (s *Service) GetSignIn(ctx context.Context, tenantID, id string) (*SignInEvent, error) {
	return readResult(s, ctx, func(o *op) (*SignInEvent, error) {
		if err := o.c.requireObjectTo(tenantID, permReadAudit, "read", "sign-in"); err != nil {
			return nil, err
		}
		if !ValidID(id) {
			return nil, notFound("sign-in")
		}
		e, err := o.tx.GetSignIn(o.ctx, tenantID, id)
		if IsKind(err, KindNotFound) {
			return nil, notFound("sign-in")
		}
		return e, err
	})
}

// SignInChartHours is how far back the sign-in chart looks: 7 days.
const SignInChartHours = 7 * 24

// SignInActivity returns the tenant's sign-ins per hour over the last
// SignInChartHours, oldest first, every hour present (zero when none), the
// current hour last.
func (s *Service) SignInActivity(ctx context.Context, tenantID string) ([]SignInHour, error) {
	return readResult(s, ctx, func(o *op) ([]SignInHour, error) {
		if err := o.c.require(tenantID, permReadAudit); err != nil {
			return nil, err
		}
		if _, err := o.tenant(tenantID); err != nil {
			return nil, err
		}
		first := o.now.Truncate(time.Hour).Add(-(SignInChartHours - 1) * time.Hour)
		counted, err := o.tx.CountSignInsByHour(o.ctx, tenantID, first)
		if err != nil {
			return nil, err
		}
		out := make([]SignInHour, SignInChartHours)
		for i := range out {
			out[i].Hour = first.Add(time.Duration(i) * time.Hour)
		}
		for _, h := range counted {
			if i := int(h.Hour.Sub(first) / time.Hour); i >= 0 && i < len(out) {
				out[i].Succeeded += h.Succeeded
				out[i].Failed += h.Failed
			}
		}
		return out, nil
	})
}

// signInExpiryBatch is how many expired records one Write removes.
const signInExpiryBatch = 1000

// ExpireSignIns removes the sign-in records older than the retention, in
// batches, and returns how many (the system only: the purge job).
func (s *Service) ExpireSignIns(ctx context.Context) (int, error) {
	before := s.clock().Add(-s.signInRetention())
	total := 0
	for {
		var n int
		err := s.write(ctx, func(o *op) error {
			if !o.c.system() {
				return Errorf(KindForbidden, "only orgdir itself expires sign-in records")
			}
			var err error
			n, err = o.tx.DeleteSignInsBefore(o.ctx, before, signInExpiryBatch)
			return err
		})
		total += n
		if err != nil || n < signInExpiryBatch {
			return total, err
		}
	}
}

func (s *Service) signInRetention() time.Duration {
	if s.opts.SignInLogRetention > 0 {
		return s.opts.SignInLogRetention
	}
	return DefaultSignInLogRetention
}

// maxUPNLen bounds a typed name the log keeps (Entra's UPN limit is 113;
// anything longer is not a name anyone has).
const maxUPNLen = 256

// touchTokenUse records a successful use of a token by u at now as its
// lastNonInteractiveSignInDateTime, only when the stored value is stale:
// the caller has read u already, so a fresh value costs no write at all,
// and at most one request an hour per user writes. Best effort: a failed
// write does not refuse a valid token.
func (s *Service) touchTokenUse(ctx context.Context, u *User, now time.Time) {
	if u == nil || !signInActivityStale(u.LastNonInteractiveSignInAt, now) {
		return
	}
	_ = s.store.Write(ctx, func(tx Tx) error {
		return tx.TouchSignInActivity(ctx, u.TenantID, u.ID, false, now)
	})
}
