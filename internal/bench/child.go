package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// childEnv is the environment of the orgdir processes the bench starts:
// this process's, without its ORGDIR_* variables (which would set flags
// of the child: an SMTP host, a metrics port, another database), with
// ORGDIR_DATABASE naming the bench's database, so that a PostgreSQL
// password is not on a command line for ps to show.
func childEnv(database string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ORGDIR_") {
			env = append(env, kv)
		}
	}
	return append(env, "ORGDIR_DATABASE="+database)
}

// orgdirCommand is this very program run with args, on database.
func orgdirCommand(ctx context.Context, database string, args ...string) (*exec.Cmd, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("bench: find this program to run orgdir serve: %w", err)
	}
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Env = childEnv(database)
	return cmd, nil
}

// tail keeps the last bytes written to it, for an error message.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

const tailMax = 4 << 10

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailMax {
		t.buf = t.buf[len(t.buf)-tailMax:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}

// serveProcess is `orgdir serve` running as a child process.
type serveProcess struct {
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:PORT
	pprof  string // http://127.0.0.1:PORT/debug/pprof of the metrics listener, when asked for
	stderr *tail
	exited chan struct{}
}

// listeningPrefix starts the line serve prints once it accepts connections.
const listeningPrefix = "orgdir listening on "

// metricsPrefix starts the line serve prints for its metrics listener.
const metricsPrefix = "metrics on "

// startServer runs orgdir serve on a free loopback port over database,
// with API throttling and the background purge off (the bench times the
// purge itself), and waits until it listens.
//
// extra are more flags of serve; withPprof adds a loopback metrics
// listener serving Go's profiles.
func startServer(ctx context.Context, database string, withPprof bool, extra ...string) (*serveProcess, error) {
	args := append([]string{"serve",
		"--addr", "127.0.0.1:0", "--api-rate", "0", "--purge-interval", "0", "--log-level", "warn"}, extra...)
	if withPprof {
		args = append(args, "--metrics-addr", "127.0.0.1:0", "--pprof")
	}
	// Not ctx: the server is stopped by stop, gracefully, not killed.
	cmd, err := orgdirCommand(context.Background(), database, args...)
	if err != nil {
		return nil, err
	}
	s := &serveProcess{cmd: cmd, stderr: &tail{}, exited: make(chan struct{})}
	cmd.Stderr = s.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: start orgdir serve: %w", err)
	}
	go func() { _ = cmd.Wait(); close(s.exited) }()

	addr := make(chan string, 1)
	metricsAddr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), metricsPrefix); ok {
				metricsAddr <- strings.TrimSuffix(rest, "/metrics") + "/debug/pprof"
			}
			if rest, ok := strings.CutPrefix(sc.Text(), listeningPrefix); ok {
				base, _, _ := strings.Cut(rest, " ")
				addr <- base
				break
			}
		}
		_, _ = io.Copy(io.Discard, out) // the pipe must not fill
	}()
	timer := time.NewTimer(time.Minute)
	defer timer.Stop()
	select {
	case s.base = <-addr:
		if withPprof {
			select {
			case s.pprof = <-metricsAddr:
			default:
				return nil, errors.Join(errors.New("bench: orgdir serve printed no metrics listener"), s.stop())
			}
		}
		return s, nil
	case <-s.exited:
		return nil, fmt.Errorf("bench: orgdir serve exited before listening: %s", s.stderr)
	case <-timer.C:
		err = errors.New("bench: orgdir serve did not listen within a minute")
	case <-ctx.Done():
		err = ctx.Err()
	}
	return nil, errors.Join(err, s.stop())
}

// peakRSS is the server's peak resident set (VmHWM), 0 where unknown.
func (s *serveProcess) peakRSS() uint64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/status")
	if err != nil {
		return 0
	}
	return vmHWM(b)
}

// stop asks the server to shut down as SIGTERM does in production, and
// kills it if it has not within 30 seconds.
func (s *serveProcess) stop() error {
	select {
	case <-s.exited:
		return nil
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("bench: stop orgdir serve: %w", err)
	}
	select {
	case <-s.exited:
		return nil
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
		return fmt.Errorf("bench: orgdir serve did not stop within 30s of SIGTERM; killed: %s", s.stderr)
	}
}

// runPurgeCommand runs `orgdir purge` on database and returns how many
// users it says it purged.
func runPurgeCommand(ctx context.Context, database string, extra ...string) (int, error) {
	cmd, err := orgdirCommand(ctx, database, append([]string{"purge", "--batch", strconv.Itoa(purgeBatch)}, extra...)...)
	if err != nil {
		return 0, err
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("bench: orgdir purge: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var n int
	if _, err := fmt.Sscanf(stdout.String(), "purged %d", &n); err != nil {
		return 0, fmt.Errorf("bench: orgdir purge printed %q, not how many it purged", stdout.String())
	}
	return n, nil
}
