package auth

import (
	"sync"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// Limiter counts attempts per key (an IP address, an e-mail address) in a
// fixed window and refuses beyond Max. It lives in one process's memory: it
// slows down guessing from one client; the store's counters are what hold
// across instances.
type Limiter struct {
	Max    int
	Window time.Duration
	Clock  directory.Clock // default time.Now

	mu      sync.Mutex
	windows map[string]window
}

type window struct {
	start time.Time
	count int
}

// NewLimiter allows max attempts per key per window.
func NewLimiter(max int, per time.Duration, clock directory.Clock) *Limiter {
	return &Limiter{Max: max, Window: per, Clock: clock}
}

// Allow records one attempt for key and reports whether it is within the
// limit.
func (l *Limiter) Allow(key string) bool {
	now := time.Now()
	if l.Clock != nil {
		now = l.Clock()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.windows == nil {
		l.windows = make(map[string]window)
	}
	// Forget finished windows now and then so the map cannot grow forever.
	if len(l.windows) > 10000 {
		for k, w := range l.windows {
			if now.Sub(w.start) >= l.Window {
				delete(l.windows, k)
			}
		}
	}
	w := l.windows[key]
	if w.start.IsZero() || now.Sub(w.start) >= l.Window {
		w = window{start: now}
	}
	w.count++
	l.windows[key] = w
	return w.count <= l.Max
}

// Reset forgets the attempts of key, as after a successful sign-in: only
// failures in a row should lock a name out.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.windows, key)
}
