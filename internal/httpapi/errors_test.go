package httpapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/odata"
)

func TestEveryKindHasItsStatusAndCode(t *testing.T) {
	tests := []struct {
		kind   directory.Kind
		status int
		code   string
	}{
		{directory.KindInvalid, 400, "Request_BadRequest"},
		{directory.KindNotFound, 404, "Request_ResourceNotFound"},
		{directory.KindConflict, 400, "Request_BadRequest"},
		{directory.KindUnauthenticated, 401, "InvalidAuthenticationToken"},
		{directory.KindForbidden, 403, "Authorization_RequestDenied"},
		{directory.KindRateLimited, 429, "TooManyRequests"},
		{directory.KindLeaveHomeOrganization, 403, "Leave_HomeOrganization"},
		{directory.KindLeaveNotGuest, 403, "Leave_NotGuest"},
		{directory.KindLeavePolicyOff, 403, "Leave_PolicyOff"},
		{directory.KindLeaveDisabledAtHome, 403, "Leave_DisabledAtHome"},
		{directory.KindLeaveDisabledInTenant, 403, "Leave_DisabledInTenant"},
		{directory.KindRestoreClash, 409, "Restore_ObjectConflict"},
		{directory.KindInvitationExpired, 400, "Invitation_Expired"},
		{directory.KindInvitationUsed, 400, "Invitation_AlreadyRedeemed"},
		{directory.KindInvitationSuperseded, 400, "Invitation_Superseded"},
		{directory.KindInvitationOtherAddress, 403, "Invitation_OtherAddress"},
		{directory.KindAccountDisabled, 403, "Authorization_RequestDenied"},
		{directory.KindInternal, 500, "InternalServerError"},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			status, code, msg, _, _ := classify(directory.Errorf(tt.kind, "the message"))
			if status != tt.status || code != tt.code {
				t.Fatalf("got %d %s, want %d %s", status, code, tt.status, tt.code)
			}
			if tt.kind != directory.KindInternal && msg != "the message" {
				t.Fatalf("message %q: the domain's message is lost", msg)
			}
		})
	}
}

func TestAForeignErrorIsInternalWithAGenericMessage(t *testing.T) {
	status, code, msg, _, _ := classify(errors.New("pq: password authentication failed for user orgdir"))
	if status != 500 || code != "InternalServerError" || strings.Contains(msg, "pq") {
		t.Fatalf("got %d %s %q", status, code, msg)
	}
}

func TestQueryErrorsTellUnsupportedFromMalformed(t *testing.T) {
	if _, code, _, target, _ := classify(&odata.Error{Option: "$expand", Message: "x", Unsupported: true}); code != "Request_UnsupportedQuery" || target != "$expand" {
		t.Fatalf("unsupported: %s %s", code, target)
	}
	if _, code, _, _, _ := classify(&odata.Error{Option: "$top", Message: "x"}); code != "Request_BadRequest" {
		t.Fatalf("malformed: %s", code)
	}
}

func TestRateLimitedAnswersWithRetryAfter(t *testing.T) {
	a := New(nil, Options{})
	w := httptest.NewRecorder()
	a.writeError(w, httptest.NewRequest("GET", "/v1.0/users", nil), directory.Errorf(directory.KindRateLimited, "slow down"))
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
		t.Fatalf("%d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	// A refusal that knows the wait says it, in whole seconds rounded up.
	e := directory.Errorf(directory.KindRateLimited, "wait")
	e.RetryAfter = 1500 * time.Millisecond
	w = httptest.NewRecorder()
	a.writeError(w, httptest.NewRequest("GET", "/v1.0/users", nil), e)
	if got := w.Header().Get("Retry-After"); got != "2" {
		t.Fatalf("Retry-After %q, want 2", got)
	}
}
