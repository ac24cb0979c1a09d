package cli

import (
	"context"
	"fmt"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/jobs"
)

func runMigrate(ctx context.Context, e *env, args []string) error {
	f := newFlags("migrate", `Creates the database schema, or upgrades it to this version of orgdir.
serve and every other command also do this when they open the database;
run it on its own before starting several instances of a new version.`)
	db := addDBFlags(f)
	if err := f.parse(e, args); err != nil {
		return err
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	if err := st.Close(); err != nil {
		return fmt.Errorf("close %s: %w", db.describe(), err)
	}
	fmt.Fprintf(e.stdout, "schema up to date: %s\n", db.describe())
	return nil
}

func runPurge(ctx context.Context, e *env, args []string) error {
	f := newFlags("purge", `Permanently deletes, once, every deleted user whose retention period has
ended, in batches; prints how many. serve does the same on an interval.`)
	db := addDBFlags(f)
	batch := f.Int("batch", 500, "at most this many deleted users purged per batch")
	if err := f.parse(e, args); err != nil {
		return err
	}
	if *batch < 1 {
		return usageErrorf("purge: --batch must be at least 1, got %d", *batch)
	}
	return e.withService(ctx, db, defaultBaseURL, func(ctx context.Context, svc *directory.Service) error {
		n, err := jobs.PurgeOnce(ctx, svc, e.prog.Clock, *batch)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "purged %d deleted %s whose retention had ended\n", n, plural(n, "user", "users"))
		return nil
	})
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
