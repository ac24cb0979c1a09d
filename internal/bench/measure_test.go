package bench

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPercentileIsTheNearestRank(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 200; i++ {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		p    int
		want time.Duration
	}{{50, 100 * time.Millisecond}, {95, 190 * time.Millisecond}, {99, 198 * time.Millisecond}, {100, 200 * time.Millisecond}} {
		if got := percentile(lat, tc.p); got != tc.want {
			t.Errorf("p%d of 1..200ms = %s, want %s", tc.p, got, tc.want)
		}
	}
	if got := percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("p99 of one value = %s, want it", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("p50 of nothing = %s, want 0", got)
	}
}

func TestMeasureRunsEachNumberOnceUpToOps(t *testing.T) {
	var mu sync.Mutex
	seen := map[int]int{}
	row, err := measure(context.Background(), "count", 3, limits{ops: 50}, func(_ context.Context, i int) error {
		mu.Lock()
		seen[i]++
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if row.Ops != 50 || len(seen) != 50 {
		t.Fatalf("ran %d ops over %d numbers, want 50 and 50", row.Ops, len(seen))
	}
	for i := range 50 {
		if seen[i] != 1 {
			t.Errorf("number %d ran %d times, want once", i, seen[i])
		}
	}
	if row.Rate <= 0 || row.P99 < row.P50 {
		t.Errorf("rate %f, p50 %s, p99 %s: want a positive rate and p99 >= p50", row.Rate, row.P50, row.P99)
	}
}

func TestMeasureStopsAtThePoolBeforeTheDuration(t *testing.T) {
	row, err := measure(context.Background(), "pool", 2, limits{duration: time.Minute, pool: 7}, func(context.Context, int) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if row.Ops != 7 {
		t.Fatalf("ran %d ops, want the pool of 7", row.Ops)
	}
}

func TestMeasureStopsAtTheDurationWithNumbersWithoutGaps(t *testing.T) {
	var mu sync.Mutex
	seen := map[int]bool{}
	start := time.Now()
	row, err := measure(context.Background(), "timed", 4, limits{duration: 50 * time.Millisecond}, func(_ context.Context, i int) error {
		mu.Lock()
		seen[i] = true
		mu.Unlock()
		time.Sleep(time.Millisecond)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("took %s for a 50ms duration", took)
	}
	for i := range row.Ops {
		if !seen[i] {
			t.Fatalf("number %d of %d never ran: consumers of prepared objects would skip one", i, row.Ops)
		}
	}
}

func TestMeasureStopsAtTheFirstErrorAndNamesTheOperation(t *testing.T) {
	boom := errors.New("boom")
	_, err := measure(context.Background(), "explode", 2, limits{ops: 1000}, func(_ context.Context, i int) error {
		if i == 3 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || err == nil || !strings.Contains(err.Error(), "explode #3") {
		t.Fatalf("err = %v, want boom naming explode #3", err)
	}
}

func TestConfigRefusesNonsenseNamingEachField(t *testing.T) {
	_, err := Config{Users: 2, Concurrency: -1, Ops: -3, Purge: -1}.withDefaults()
	if err == nil {
		t.Fatal("want an error")
	}
	for _, field := range []string{"users", "concurrency", "ops", "purge"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("error %q does not name %s", err, field)
		}
	}
}

func TestRunRefusesAnExistingSQLiteFileAndLeavesIt(t *testing.T) {
	path := t.TempDir() + "/orgdir.db"
	if err := os.WriteFile(path, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), Config{Database: path, Users: 10, Ops: 1, Purge: 1})
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("err = %v, want a refusal of the existing file", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "precious" {
		t.Fatalf("the file now holds %q", got)
	}
}
