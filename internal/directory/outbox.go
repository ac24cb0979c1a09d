package directory

import "context"

// ListOutbox lists the tenant's e-mail (Global Administrators), for
// instances without an SMTP server.
func (s *Service) ListOutbox(ctx context.Context, tenantID string, p Page) ([]*OutboxMessage, error) {
	if err := validLimit("limit", p.Limit); err != nil {
		return nil, err
	}
	var out []*OutboxMessage
	err := s.read(ctx, func(o *op) error {
		if err := o.c.require(tenantID, permSettings); err != nil {
			return err
		}
		if _, err := o.tenant(tenantID); err != nil {
			return err
		}
		var err error
		out, err = o.tx.ListOutbox(o.ctx, tenantID, p)
		return err
	})
	return out, err
}
