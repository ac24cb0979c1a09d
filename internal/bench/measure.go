package bench

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// limits bound one measured operation: it stops after ops operations
// (when ops > 0), else when duration has passed, and never runs more than
// pool operations (when pool > 0: ops that consume a prepared object).
type limits struct {
	ops      int
	duration time.Duration
	pool     int
}

// max is the number of operations the limits allow, or -1 for no count
// limit (duration only).
func (l limits) max() int {
	n := -1
	if l.ops > 0 {
		n = l.ops
	}
	if l.pool > 0 && (n < 0 || l.pool < n) {
		n = l.pool
	}
	return n
}

// measure runs op from conc workers until the limits end it. Each call
// gets its own sequence number i (0, 1, 2, … across all workers), so an
// operation that consumes prepared objects takes object i. The first error
// stops every worker and is returned, naming the operation.
func measure(ctx context.Context, name string, conc int, lim limits, op func(ctx context.Context, i int) error) (Row, error) {
	if lim.pool == 0 && lim.ops == 0 && lim.duration <= 0 {
		return Row{}, fmt.Errorf("bench: %s: no limit to stop at", name)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	maxOps := lim.max()
	var deadline time.Time
	if lim.ops == 0 {
		deadline = time.Now().Add(lim.duration)
	}
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		all      []time.Duration
	)
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			defer func() {
				mu.Lock()
				all = append(all, mine...)
				mu.Unlock()
			}()
			for ctx.Err() == nil {
				// The deadline is checked before a number is taken, so
				// every number taken is run: the numbers run are 0..n-1.
				if !deadline.IsZero() && !time.Now().Before(deadline) {
					return
				}
				i := int(next.Add(1) - 1)
				if maxOps >= 0 && i >= maxOps {
					return
				}
				t0 := time.Now()
				if err := op(ctx, i); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("bench: %s #%d: %w", name, i, err)
					}
					mu.Unlock()
					cancel()
					return
				}
				mine = append(mine, time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return Row{}, firstErr
	}
	return newRow(name, all, elapsed), nil
}

// newRow summarizes the latencies of one operation.
func newRow(name string, lat []time.Duration, elapsed time.Duration) Row {
	slices.Sort(lat)
	r := Row{Name: name, Unit: UnitOps, Ops: len(lat), Elapsed: elapsed}
	if elapsed > 0 {
		r.Rate = float64(len(lat)) / elapsed.Seconds()
	}
	r.P50, r.P95, r.P99 = percentile(lat, 50), percentile(lat, 95), percentile(lat, 99)
	return r
}

// percentile returns the p-th percentile of sorted by the nearest-rank
// method: the smallest value with at least p% of the values at or below
// it. Zero for no values.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}

// heapWatch samples the Go heap (runtime.MemStats.HeapAlloc) every
// interval until stopped, keeping the peak. ReadMemStats stops the world
// for some microseconds; at this interval that is noise in the figures.
type heapWatch struct {
	stop chan struct{}
	done chan struct{}
	peak atomic.Uint64
}

const heapInterval = 20 * time.Millisecond

func watchHeap() *heapWatch {
	h := &heapWatch{stop: make(chan struct{}), done: make(chan struct{})}
	h.sample()
	go func() {
		defer close(h.done)
		t := time.NewTicker(heapInterval)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-t.C:
				h.sample()
			}
		}
	}()
	return h
}

func (h *heapWatch) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if m.HeapAlloc > h.peak.Load() {
		h.peak.Store(m.HeapAlloc)
	}
}

// Stop ends the sampling and returns the peak in bytes.
func (h *heapWatch) Stop() uint64 {
	close(h.stop)
	<-h.done
	h.sample()
	return h.peak.Load()
}
