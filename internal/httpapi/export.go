package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/export"
)

// Data subject requests (GDPR). Graph's POST /users/{id}/exportPersonalData
// starts a job that writes to an Azure Storage URL and answers 202; orgdir's
// export is small and immediate, so it answers 200 with the data itself
// (docs/api.md). POST /me/exportPersonalData is orgdir's own: the person
// behind the token exports what every tenant holds about them.

// exportRequest is the optional body of exportPersonalData.
type exportRequest struct {
	StorageLocation *string `json:"storageLocation"`
}

// readExportRequest refuses query options and a storageLocation, which
// orgdir cannot honour: it never writes exports anywhere but the response.
func (a *API) readExportRequest(w http.ResponseWriter, r *http.Request) error {
	if err := noQuery(r, "exportPersonalData"); err != nil {
		return err
	}
	var req exportRequest
	if err := a.decode(w, r, &req, true); err != nil {
		return err
	}
	if req.StorageLocation != nil && *req.StorageLocation != "" {
		return badRequest("storageLocation", "orgdir does not write exports to a storage account: leave storageLocation out and the export is the response body")
	}
	return nil
}

// handleExportUserData is an administrator's export of one user of the
// token's tenant, live or deleted; the export is audited.
func (a *API) handleExportUserData(w http.ResponseWriter, r *http.Request) error {
	if err := a.readExportRequest(w, r); err != nil {
		return err
	}
	id, err := a.userID(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	d, err := a.svc.ExportUserData(r.Context(), tenant(r), id)
	if err != nil {
		return err
	}
	return a.writeExport(w, r, d)
}

// handleExportMyData is the person's own export, across every tenant they
// belong to, whichever of their accounts the token acts as.
func (a *API) handleExportMyData(w http.ResponseWriter, r *http.Request) error {
	if err := a.readExportRequest(w, r); err != nil {
		return err
	}
	d, err := a.svc.ExportMyData(r.Context())
	if err != nil {
		return err
	}
	return a.writeExport(w, r, d)
}

// writeExport writes the export document, the same one the web UI and the
// CLI give (internal/export).
func (a *API) writeExport(w http.ResponseWriter, r *http.Request, d *directory.PersonalData) error {
	body, err := export.PersonalDataJSON(d, a.baseURL(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, json.RawMessage(body))
}
