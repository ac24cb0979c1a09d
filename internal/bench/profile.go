package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// DefaultProfileSeconds is how long the server's CPU profile runs unless
// Config.ServerProfileSeconds says otherwise.
const DefaultProfileSeconds = 20

// profileServer fetches a CPU profile of seconds from the server's
// /debug/pprof into path, beginning now; the channel gets its outcome.
func profileServer(ctx context.Context, pprofURL, path string, seconds int) <-chan error {
	if seconds <= 0 {
		seconds = DefaultProfileSeconds
	}
	done := make(chan error, 1)
	go func() {
		done <- fetchProfile(ctx, fmt.Sprintf("%s/profile?seconds=%d", pprofURL, seconds), path, seconds)
	}()
	return done
}

func fetchProfile(ctx context.Context, url, path string, seconds int) error {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(seconds)*time.Second+time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("bench: server profile: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("bench: server profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 500))
		return fmt.Errorf("bench: server profile: %s: %s", resp.Status, b)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("bench: server profile: %w", err)
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		_ = f.Close()
		return fmt.Errorf("bench: server profile: %w", err)
	}
	return f.Close()
}
