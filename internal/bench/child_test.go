package bench

import (
	"slices"
	"strings"
	"testing"
)

// The child orgdir processes must not take the operator's ORGDIR_*
// settings (a metrics port, an SMTP host, another database) as flags.
func TestChildEnvKeepsOnlyTheBenchDatabaseOfORGDIRVariables(t *testing.T) {
	t.Setenv("ORGDIR_METRICS_ADDR", "127.0.0.1:9100")
	t.Setenv("ORGDIR_DATABASE", "/srv/orgdir/orgdir.db")
	t.Setenv("BENCH_TEST_KEPT", "yes")
	env := childEnv("/tmp/bench.db")
	var orgdir []string
	for _, kv := range env {
		if strings.HasPrefix(kv, "ORGDIR_") {
			orgdir = append(orgdir, kv)
		}
	}
	if !slices.Equal(orgdir, []string{"ORGDIR_DATABASE=/tmp/bench.db"}) {
		t.Errorf("ORGDIR_ variables of the child: %q, want only the bench's database", orgdir)
	}
	if !slices.Contains(env, "BENCH_TEST_KEPT=yes") {
		t.Error("the child lost the rest of the environment")
	}
}

func TestVMHWMReadsKilobytes(t *testing.T) {
	status := "Name:\torgdir\nVmPeak:\t  900000 kB\nVmHWM:\t   12345 kB\nVmRSS:\t   10000 kB\n"
	if got := vmHWM([]byte(status)); got != 12345<<10 {
		t.Errorf("vmHWM = %d, want %d", got, 12345<<10)
	}
	if got := vmHWM([]byte("Name:\torgdir\n")); got != 0 {
		t.Errorf("vmHWM without the line = %d, want 0", got)
	}
}
