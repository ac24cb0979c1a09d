package directory

import (
	"context"
	"time"
)

// OperationalStats are the figures an operator watches (served as
// metrics): what waits to be sent and who is signed in, across tenants.
type OperationalStats struct {
	MailBacklog    int        // unsent e-mail messages
	OldestMail     *time.Time // creation time of the oldest unsent one
	ActiveSessions int        // browser sessions neither ended nor expired
}

// OperationalStats reads the figures in one snapshot. Only the system
// (the metrics endpoint) may: they span every tenant.
func (s *Service) OperationalStats(ctx context.Context) (OperationalStats, error) {
	return readResult(s, ctx, func(o *op) (OperationalStats, error) {
		var st OperationalStats
		if !o.c.system() {
			return st, Errorf(KindForbidden, "operational figures are the operator's")
		}
		var err error
		if st.MailBacklog, st.OldestMail, err = o.tx.MailBacklog(o.ctx); err != nil {
			return st, err
		}
		st.ActiveSessions, err = o.tx.CountActiveSessions(o.ctx, o.now)
		return st, err
	})
}
