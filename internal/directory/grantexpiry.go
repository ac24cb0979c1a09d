package directory

import "context"

// grantExpiryBatch is how many ended grants one transaction deletes.
const grantExpiryBatch = 1000

// ExpireOAuthGrants deletes the OAuth grants that have ended, by expiry
// or revocation, with their authorization codes and refresh tokens
// (orgdir itself only: the purge pass), and says how many. An ended grant
// is refused whether its row is there or not, so nothing it allowed comes
// back; a refresh token of a deleted grant is simply unknown.
func (s *Service) ExpireOAuthGrants(ctx context.Context) (int, error) {
	total := 0
	for {
		var n int
		err := s.write(ctx, func(o *op) error {
			if !o.c.system() {
				return Errorf(KindForbidden, "only orgdir itself deletes ended grants")
			}
			var err error
			n, err = o.tx.DeleteEndedOAuthGrants(o.ctx, o.now, grantExpiryBatch)
			return err
		})
		total += n
		if err != nil || n < grantExpiryBatch {
			return total, err
		}
	}
}
