package httpapi

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// brokenStore fails every transaction, as a database outage would.
type brokenStore struct{ directory.Store }

func (brokenStore) Read(context.Context, func(directory.Tx) error) error {
	return directory.Internal(errDatabaseDown)
}

func (brokenStore) Write(context.Context, func(directory.Tx) error) error {
	return directory.Internal(errDatabaseDown)
}

var errDatabaseDown = errors.New("connection refused: the database at db.internal:5432 is down")

func TestInternalErrorsAreLoggedAndHiddenFromTheClient(t *testing.T) {
	var log bytes.Buffer
	st := brokenStore{}
	svc := directory.NewService(st, directory.Options{})
	srv := httptest.NewServer(New(svc, Options{Logger: slog.New(slog.NewTextHandler(&log, nil))}))
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/v1.0/users", nil)
	req.Header.Set("Authorization", "Bearer odt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body bytes.Buffer
	_, _ = body.ReadFrom(res.Body)
	if res.StatusCode != http.StatusInternalServerError || !strings.Contains(body.String(), `"code":"InternalServerError"`) {
		t.Fatalf("%d %s", res.StatusCode, body.String())
	}
	if strings.Contains(body.String(), "db.internal") {
		t.Fatalf("the client sees the cause: %s", body.String())
	}
	id := res.Header.Get("request-id")
	if !strings.Contains(log.String(), "db.internal") || !strings.Contains(log.String(), id) {
		t.Fatalf("the log lacks the cause or the request-id %s:\n%s", id, log.String())
	}
}
