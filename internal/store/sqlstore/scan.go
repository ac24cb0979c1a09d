package sqlstore

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// scanTime reads a time column of either dialect: INTEGER unix
// microseconds (SQLite) or a timestamp (PostgreSQL). NULL leaves Valid false.
// Times come back in UTC.
type scanTime struct {
	Time  time.Time
	Valid bool
}

func (s *scanTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		s.Time, s.Valid = time.Time{}, false
	case int64:
		s.Time, s.Valid = time.UnixMicro(x).UTC(), true
	case time.Time:
		s.Time, s.Valid = x.UTC(), true
	default:
		return fmt.Errorf("sqlstore: cannot scan %T into a time", v)
	}
	return nil
}

// Ptr returns the time, or nil for NULL.
func (s scanTime) Ptr() *time.Time {
	if !s.Valid {
		return nil
	}
	t := s.Time
	return &t
}

// scanNullString reads a nullable text column, NULL as "".
type scanNullString struct{ S string }

func (s *scanNullString) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		s.S = ""
	case string:
		s.S = x
	case []byte:
		s.S = string(x)
	default:
		return fmt.Errorf("sqlstore: cannot scan %T into a string", v)
	}
	return nil
}

// nullIfEmpty stores "" as NULL, for optional foreign keys.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// toJSON encodes a list column. A nil list is stored as [].
func toJSON[T any](v []T) (string, error) {
	if v == nil {
		return "[]", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", directory.Internal(err)
	}
	return string(b), nil
}

// fromJSON decodes a list column; [] gives nil, so a value read back equals
// the one written with nil.
func fromJSON[T any](s string) ([]T, error) {
	var v []T
	if s == "" {
		return nil, nil
	}
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, fmt.Errorf("sqlstore: corrupt JSON column: %w", err)
	}
	if len(v) == 0 {
		return nil, nil
	}
	return v, nil
}

// pageLimit validates a listing's limit: 0 is the default page size.
func pageLimit(limit int) (int, error) {
	switch {
	case limit == 0:
		return directory.DefaultPageSize, nil
	case limit < 0 || limit > directory.MaxPageSize:
		return 0, directory.Invalidf("limit", "limit must be between 1 and %d, not %d", directory.MaxPageSize, limit)
	}
	return limit, nil
}

// prefixed qualifies each column of a comma-separated list with p.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
