package oidcprovider

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// protoError is an OAuth 2.0 / OpenID Connect error: its code and
// description (Entra's AADSTS code first, where it has one), the HTTP
// status of a JSON answer, and, for a page, whom to contact.
type protoError struct {
	Err     *oidc.Error
	Status  int
	Contact *directory.Contact
	// Basic says the client authenticated with HTTP Basic, so a 401
	// names the scheme (RFC 6749 §5.2).
	Basic bool
}

func (e *protoError) Error() string { return e.Err.Error() }

func errInvalidRequest(desc string) *oidc.Error {
	return oidc.ErrInvalidRequest().WithDescription("%s", desc)
}

// fromDomain turns a directory error into the protocol's error.
func fromDomain(err error) *protoError {
	var pe *protoError
	if errors.As(err, &pe) {
		return pe
	}
	e := directory.AsError(err)
	desc := e.Message
	switch {
	case e.Code == directory.CodeInvalidClient:
		return &protoError{Err: oidc.ErrInvalidClient().WithDescription("%s", desc), Status: http.StatusUnauthorized}
	case e.Code == directory.CodeInvalidGrant:
		return &protoError{Err: oidc.ErrInvalidGrant().WithDescription("%s", desc), Status: http.StatusBadRequest}
	case e.Kind == directory.KindAppSignInRefused && e.Code == directory.CodeAppNotFound:
		return &protoError{Err: oidc.ErrUnauthorizedClient().WithDescription("%s", desc), Status: http.StatusBadRequest, Contact: e.Contact}
	case e.Kind == directory.KindAppSignInRefused && e.Code == directory.CodeTenantNotFound:
		return &protoError{Err: errInvalidRequest(desc), Status: http.StatusBadRequest}
	case e.Kind == directory.KindAppSignInRefused:
		return &protoError{Err: oidc.ErrAccessDenied().WithDescription("%s", desc), Status: http.StatusForbidden, Contact: e.Contact}
	case e.Kind == directory.KindUnauthenticated:
		return &protoError{Err: oidc.ErrLoginRequired().WithDescription("%s", desc), Status: http.StatusUnauthorized}
	case e.Kind == directory.KindInvalid:
		return &protoError{Err: errInvalidRequest(desc), Status: http.StatusBadRequest}
	case e.Kind == directory.KindRateLimited:
		return &protoError{Err: oidc.ErrSlowDown().WithDescription("%s", desc), Status: http.StatusTooManyRequests}
	default:
		return &protoError{Err: oidc.ErrServerError().WithDescription("the server could not answer; try again later"), Status: http.StatusInternalServerError}
	}
}

func (p *Provider) logIfInternal(r *http.Request, err error, pe *protoError) {
	if pe.Status == http.StatusInternalServerError {
		p.internal(r.Context(), err)
	}
}

// writeJSONError writes err as the JSON body of RFC 6749 §5.2.
func (p *Provider) writeJSONError(w http.ResponseWriter, r *http.Request, err error) {
	pe := fromDomain(err)
	p.logIfInternal(r, err, pe)
	status := pe.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	if status == http.StatusUnauthorized && pe.Basic {
		w.Header().Set("WWW-Authenticate", `Basic realm="orgdir"`)
	}
	writeJSON(w, status, pe.Err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"server_error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// errorPage is what the error page shows.
type errorPage struct {
	Heading     string
	Code        string
	Description string
	Contact     *directory.Contact
}

// writePage writes err as a page: for requests whose redirect URI is not
// known good, and for refusals a person must read (Entra shows its own
// page too).
func (p *Provider) writePage(w http.ResponseWriter, r *http.Request, err error) {
	pe := fromDomain(err)
	p.logIfInternal(r, err, pe)
	status := pe.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	heading := "Sorry, we can't sign you in"
	if pe.Err.ErrorType == oidc.ServerError {
		heading = "Something went wrong"
	}
	p.render(w, status, "error.html", errorPage{Heading: heading, Code: string(pe.Err.ErrorType),
		Description: pe.Err.Description, Contact: pe.Contact})
}

func (p *Provider) render(w http.ResponseWriter, status int, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := p.pages.ExecuteTemplate(w, name, data); err != nil {
		p.log.Error("oidc page failed", "page", name, "err", err)
	}
}
