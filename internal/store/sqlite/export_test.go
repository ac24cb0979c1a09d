package sqlite

import "context"

// Synchronous reads PRAGMA synchronous on the writer connection, where
// commits happen: 1 is NORMAL, 2 FULL.
func (s *Store) Synchronous(ctx context.Context) (int, error) {
	var n int
	err := s.write.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&n)
	return n, err
}
