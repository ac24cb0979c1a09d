package mail

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// BenchmarkQueueOverhead measures what the queue adds to each message:
// its claim and its outcome, two write transactions, without SMTP.
func BenchmarkQueueOverhead(b *testing.B) {
	dbs := []database{{name: "sqlite"}}
	if os.Getenv("ORGDIR_TEST_POSTGRES") != "" {
		dbs = append(dbs, database{name: "postgres"})
	}
	for _, db := range dbs {
		b.Run(db.name, func(b *testing.B) {
			if db.name == "sqlite" {
				db.spec = "sqlite:" + filepath.Join(b.TempDir(), "q.db")
			} else {
				db.spec = "postgres:" + freshSchema(b, os.Getenv("ORGDIR_TEST_POSTGRES"))
			}
			in := db.open(b, time.Now)
			to := make([]string, b.N)
			for i := range to {
				to[i] = fmt.Sprintf("p%d@example.org", i)
			}
			in.enqueue(b, time.Now(), to...)
			ctx := directory.WithActor(context.Background(), directory.SystemActor("benchmark"))
			c := directory.MailClaim{Limit: 1, Lease: time.Minute, MaxAttempts: 8}
			b.ResetTimer()
			for range b.N {
				ms, err := in.svc.ClaimMail(ctx, c)
				if err != nil || len(ms) != 1 {
					b.Fatalf("claim: %v, %d", err, len(ms))
				}
				if err := in.svc.FinishMailAttempt(ctx, ms[0].ID, ms[0].Attempts, directory.MailOutcome{State: directory.MailSent}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
