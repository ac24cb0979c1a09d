package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/sqlite"
	"github.com/orgdir/orgdir/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) directory.Store { return open(t) })
}

// open returns a fresh store in a temporary directory, closed at cleanup.
func open(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "orgdir.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}
