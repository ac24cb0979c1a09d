package cli

import (
	"context"
	"os"
	"testing"
)

// asOrgdir, set in the environment, makes the test binary run as orgdir
// itself: `orgdir bench --http` starts os.Executable() as orgdir serve and
// orgdir purge, which in a test is this binary. The test process sets it
// for its children; it is not ORGDIR_*, which the bench keeps from them.
const asOrgdir = "CLI_TEST_RUN_AS_ORGDIR"

func TestMain(m *testing.M) {
	if os.Getenv(asOrgdir) != "" {
		err := Run(context.Background(), os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
		os.Exit(ExitCode(err))
	}
	if err := os.Setenv(asOrgdir, "1"); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}
