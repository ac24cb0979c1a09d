package directory

import "context"

// ListOutbox lists the tenant's e-mail (Global Administrators), for
// instances without an SMTP server.
func (s *Service) ListOutbox(ctx context.Context, tenantID string, p Page) ([]*OutboxMessage, error) {
	if err := validLimit("limit", p.Limit); err != nil {
		return nil, err
	}
	if err := validPage(p); err != nil {
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

// PendingMail returns up to limit unsent messages of every tenant, oldest
// first, for the mail deliverer (the system only).
func (s *Service) PendingMail(ctx context.Context, limit int) ([]*OutboxMessage, error) {
	if limit < 1 || limit > MaxPageSize {
		return nil, Invalidf("limit", "limit must be 1 to %d, not %d", MaxPageSize, limit)
	}
	return readResult(s, ctx, func(o *op) ([]*OutboxMessage, error) {
		if !o.c.system() {
			return nil, Errorf(KindForbidden, "mail delivery is orgdir's own")
		}
		return o.tx.ListUnsentMail(o.ctx, limit)
	})
}

// MarkMailSent records that a message went out, now (the system only).
func (s *Service) MarkMailSent(ctx context.Context, id string) error {
	return s.write(ctx, func(o *op) error {
		if !o.c.system() {
			return Errorf(KindForbidden, "mail delivery is orgdir's own")
		}
		return o.tx.MarkMailSent(o.ctx, id, o.now)
	})
}
