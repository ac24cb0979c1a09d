package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
	"github.com/orgdir/orgdir/internal/odata"
)

// apiError is an error the API itself decides (malformed body, unknown
// route), already in Graph's terms.
type apiError struct {
	status  int
	code    string
	message string
	target  string
	// retryAfter is the Retry-After of a 429, in seconds.
	retryAfter string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func badRequest(target, message string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "Request_BadRequest", message: message, target: target}
}

// kindAnswer is how the API answers an error kind: status and Graph code,
// and whether the field and the contact go with it.
type kindAnswer struct {
	status             int
	code               string
	withField, contact bool
}

// kindAnswers maps every error kind of the domain, once (a test walks
// directory.Kinds). The leave refusals have one code per reason, so that a
// client can tell the person what to do. Graph answers a clash (an existing
// UPN, an existing member) with 400 Request_BadRequest, not 409.
var kindAnswers = map[directory.Kind]kindAnswer{
	directory.KindInvalid:                {http.StatusBadRequest, "Request_BadRequest", true, false},
	directory.KindNotFound:               {http.StatusNotFound, "Request_ResourceNotFound", false, false},
	directory.KindConflict:               {http.StatusBadRequest, "Request_BadRequest", true, false},
	directory.KindRestoreClash:           {http.StatusConflict, "Restore_ObjectConflict", true, false},
	directory.KindUnauthenticated:        {http.StatusUnauthorized, "InvalidAuthenticationToken", false, false},
	directory.KindForbidden:              {http.StatusForbidden, "Authorization_RequestDenied", false, false},
	directory.KindAccountDisabled:        {http.StatusForbidden, "Authorization_RequestDenied", false, true},
	directory.KindRateLimited:            {http.StatusTooManyRequests, "TooManyRequests", false, false},
	directory.KindInvitationExpired:      {http.StatusBadRequest, "Invitation_Expired", false, false},
	directory.KindInvitationUsed:         {http.StatusBadRequest, "Invitation_AlreadyRedeemed", false, false},
	directory.KindInvitationSuperseded:   {http.StatusBadRequest, "Invitation_Superseded", false, false},
	directory.KindInvitationOtherAddress: {http.StatusForbidden, "Invitation_OtherAddress", false, true},
	directory.KindAppSignInRefused:       {http.StatusForbidden, "Authorization_RequestDenied", false, true},
	directory.KindLeaveHomeOrganization:  {http.StatusForbidden, "Leave_HomeOrganization", false, true},
	directory.KindLeaveNotGuest:          {http.StatusForbidden, "Leave_NotGuest", false, true},
	directory.KindLeavePolicyOff:         {http.StatusForbidden, "Leave_PolicyOff", false, true},
	directory.KindLeaveDisabledAtHome:    {http.StatusForbidden, "Leave_DisabledAtHome", false, true},
	directory.KindLeaveDisabledInTenant:  {http.StatusForbidden, "Leave_DisabledInTenant", false, true},
}

// graphError is the body of every error response.
type graphError struct {
	Error mainError `json:"error"`
}

type mainError struct {
	Code       string     `json:"code"`
	Message    string     `json:"message"`
	Target     string     `json:"target,omitempty"`
	InnerError innerError `json:"innerError"`
}

type innerError struct {
	Date            string   `json:"date"`
	RequestID       string   `json:"request-id"`
	ClientRequestID string   `json:"client-request-id"`
	Contact         *contact `json:"contact,omitempty"`
}

// contact is who to ask when orgdir refuses something only a tenant's
// administrator can change (orgdir's addition to innerError).
type contact struct {
	TenantID       string         `json:"tenantId"`
	DisplayName    string         `json:"displayName"`
	PrivacyProfile privacyProfile `json:"privacyProfile"`
}

// privacyProfile is Graph's organization.privacyProfile.
type privacyProfile struct {
	ContactEmail *string `json:"contactEmail"`
	StatementURL *string `json:"statementUrl"`
}

// asProperties renames the field of a validation error to the request
// property that carried it, where the two differ (the domain says
// retentionDays, the client sent extension_orgdir_deletedUserRetentionInDays),
// so that target and message name what the client can fix.
func asProperties(err error, props map[string]string) error {
	var de *directory.Error
	if !errors.As(err, &de) || de.Kind != directory.KindInvalid {
		return err
	}
	prop, ok := props[de.Field]
	if !ok {
		return err
	}
	renamed := *de
	renamed.Field = prop
	if rest, ok := strings.CutPrefix(de.Message, de.Field+" "); ok {
		renamed.Message = prop + " " + rest
	}
	return &renamed
}

// classify maps an error to its status, Graph code, client-safe message
// and target.
func classify(err error) (status int, code, message, target string, c *directory.Contact) {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.status, ae.code, ae.message, ae.target, nil
	}
	var oe *odata.Error
	if errors.As(err, &oe) {
		if oe.Unsupported {
			return http.StatusBadRequest, "Request_UnsupportedQuery", oe.Error(), oe.Option, nil
		}
		return http.StatusBadRequest, "Request_BadRequest", oe.Error(), oe.Option, nil
	}
	de := directory.AsError(err)
	if a, ok := kindAnswers[de.Kind]; ok {
		if a.withField {
			target = de.Field
		}
		if a.contact {
			c = de.Contact
		}
		return a.status, a.code, de.Message, target, c
	}
	return http.StatusInternalServerError, "InternalServerError", "An internal server error occurred; quote the request-id when reporting it.", "", nil
}

// retryAfterSeconds is what a 429 asks the client to wait.
const retryAfterSeconds = "10"

// writeError writes err as Graph's error body; 5xx are logged with their
// cause, which the client never sees.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, code, message, target, c := classify(err)
	id, _ := r.Context().Value(requestIDKey{}).(string)
	if status >= 500 {
		a.opts.Logger.Error("api request failed", "request-id", id, "method", r.Method, "route", r.Pattern, "err", err)
	}
	switch status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="orgdir", error="invalid_token"`)
	case http.StatusTooManyRequests:
		retry := retryAfterSeconds
		var de *directory.Error
		if ae := (*apiError)(nil); errors.As(err, &ae) && ae.retryAfter != "" {
			retry = ae.retryAfter
		} else if errors.As(err, &de) && de.RetryAfter > 0 {
			retry = strconv.Itoa(int((de.RetryAfter + time.Second - 1) / time.Second))
		}
		w.Header().Set("Retry-After", retry)
	}
	body := graphError{Error: mainError{Code: code, Message: message, Target: target, InnerError: innerError{
		Date:            a.opts.Clock().UTC().Format(time.RFC3339),
		RequestID:       id,
		ClientRequestID: clientRequestID(r),
	}}}
	if c != nil {
		body.Error.InnerError.Contact = &contact{TenantID: c.TenantID, DisplayName: c.TenantName,
			PrivacyProfile: privacyProfile{ContactEmail: strp(c.PrivacyContactEmail), StatementURL: strp(c.PrivacyStatementURL)}}
	}
	b, merr := graphjson.Marshal(body)
	if merr != nil { // cannot happen: strings only
		a.opts.Logger.Error("api error body", "err", merr)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b) // the client went away: nothing more to do
}
