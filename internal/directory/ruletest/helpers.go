package ruletest

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// must returns v, failing the test on err: must(f())(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

// ok fails the test on err.
func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// wantKind fails unless err is a directory error of kind k.
func wantKind(t *testing.T, err error, k directory.Kind) *directory.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", k)
	}
	if got := directory.KindOf(err); got != k {
		t.Fatalf("got %s (%v), want %s", got, err, k)
	}
	return directory.AsError(err)
}

// wantField fails unless err is KindInvalid naming field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	e := wantKind(t, err, directory.KindInvalid)
	if e.Field != field {
		t.Fatalf("invalid field %q (%v), want %q", e.Field, err, field)
	}
}

func sortStrings(s []string) { slices.Sort(s) }

func ptr[T any](v T) *T { return &v }

// jsonOf is v as JSON, to search stored values for what must not be there.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func errorsJoin(errs ...error) error { return errors.Join(errs...) }
