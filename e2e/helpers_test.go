package e2e

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/cli"
	"github.com/orgdir/orgdir/internal/clitest"
	"github.com/orgdir/orgdir/internal/directory"
)

// instance is one orgdir installation: a data directory, a clock the test
// moves, and the environment its commands see.
type instance struct {
	t       *testing.T
	dataDir string
	clock   *directory.FixedClock
	env     map[string]string
}

func newInstance(t *testing.T) *instance {
	t.Helper()
	return &instance{
		t:       t,
		dataDir: t.TempDir(),
		clock:   directory.NewFixedClock(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)),
		env:     map[string]string{},
	}
}

func (in *instance) program() cli.Program { return cli.Program{Clock: in.clock.Now} }

func (in *instance) getenv(k string) string { return in.env[k] }

// result is what one run of orgdir printed and returned.
type result struct {
	stdout, stderr string
	err            error
}

func (r result) exitCode() int { return cli.ExitCode(r.err) }

// run runs one orgdir command against the instance's data directory.
func (in *instance) run(args ...string) result {
	in.t.Helper()
	return in.runStdin("", args...)
}

func (in *instance) runStdin(stdin string, args ...string) result {
	in.t.Helper()
	args = append(args, "--data-dir", in.dataDir)
	var out, errOut bytes.Buffer
	err := in.program().Run(context.Background(), args, in.getenv, strings.NewReader(stdin), &out, &errOut)
	return result{stdout: out.String(), stderr: errOut.String(), err: err}
}

// must runs a command that has to succeed and returns its stdout.
func (in *instance) must(args ...string) string {
	in.t.Helper()
	r := in.run(args...)
	if r.err != nil {
		in.t.Fatalf("orgdir %s: %v\nstderr: %s", strings.Join(args, " "), r.err, r.stderr)
	}
	return r.stdout
}

// lineAfter returns the rest of the first line of out that starts with
// prefix.
func lineAfter(t *testing.T, out, prefix string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(l, prefix); ok {
			return strings.TrimSpace(rest)
		}
	}
	t.Fatalf("no line starting %q in:\n%s", prefix, out)
	return ""
}

// server is a running `orgdir serve` of an instance.
type server struct{ *clitest.Server }

// serve starts `orgdir serve` on 127.0.0.1:0 over the instance's data
// directory and returns once it listens.
func (in *instance) serve(args ...string) *server {
	in.t.Helper()
	return &server{clitest.Serve(in.t, in.program(), in.getenv, append([]string{"--data-dir", in.dataDir}, args...)...)}
}

// get fetches path and returns the status and body.
func (s *server) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(s.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", path, err)
	}
	return resp.StatusCode, string(body)
}

// waitFor polls path until it answers want, or fails the test.
func (s *server) waitFor(t *testing.T, path string, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	last := "no answer"
	for {
		resp, err := http.Get(s.URL + path)
		if err != nil {
			last = err.Error()
		} else {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == want {
				return
			}
			last = resp.Status
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s never answered %d (last: %s)", path, want, last)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
