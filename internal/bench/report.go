package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Units of a Row's count and rate.
const (
	UnitOps   = "ops"   // operations, each timed on its own
	UnitUsers = "users" // users handled by one timed run (the purge)
)

// Row is the result of one operation.
type Row struct {
	Name    string
	Unit    string // UnitOps or UnitUsers
	Ops     int    // how many operations (or users) completed
	Elapsed time.Duration
	Rate    float64 // Ops per second of Elapsed
	// Latency percentiles of one operation; zero for a UnitUsers row,
	// which times one run over many users.
	P50, P95, P99 time.Duration
}

// MarshalJSON writes durations as milliseconds, which a reader can plot.
func (r Row) MarshalJSON() ([]byte, error) {
	type row struct {
		Name      string   `json:"name"`
		Unit      string   `json:"unit"`
		Count     int      `json:"count"`
		ElapsedMS float64  `json:"elapsedMs"`
		PerSecond float64  `json:"perSecond"`
		P50MS     *float64 `json:"p50Ms,omitempty"`
		P95MS     *float64 `json:"p95Ms,omitempty"`
		P99MS     *float64 `json:"p99Ms,omitempty"`
	}
	out := row{Name: r.Name, Unit: r.Unit, Count: r.Ops, ElapsedMS: ms(r.Elapsed), PerSecond: r.Rate}
	if r.Unit == UnitOps {
		p50, p95, p99 := ms(r.P50), ms(r.P95), ms(r.P99)
		out.P50MS, out.P95MS, out.P99MS = &p50, &p95, &p99
	}
	return json.Marshal(out)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Report is the outcome of a run.
type Report struct {
	Database string
	// Over, when set, says what the rows ran against instead of the
	// seeded tenant (RunOIDC: the demo tenant over HTTP).
	Over          string
	Users         int // seeded users of the tenant
	Guests        int // of which guests
	Concurrency   int
	Ops           int           // per operation, or 0 …
	Duration      time.Duration // … for this long per operation
	GOMAXPROCS    int
	CPUs          int
	LoadAvg       string        // /proc/loadavg's 1, 5 and 15 minute figures at the start, where there is one
	SeedElapsed   time.Duration // seeding the users through the store
	Analyzed      bool          // PostgreSQL: ANALYZE ran after the seeding
	Rows          []Row
	PeakHeapBytes uint64 // largest runtime.MemStats.HeapAlloc seen
	// PeakRSSBytes is the process's peak resident set (Linux VmHWM), 0
	// where unknown. It counts what the Go heap does not: SQLite's page
	// cache, which modernc.org/sqlite allocates outside it, and the
	// runtime's own memory.
	PeakRSSBytes uint64
	// ServerPeakRSSBytes is the peak resident set (VmHWM) of the orgdir
	// serve child process that RunHTTP drives; 0 for the other runs.
	ServerPeakRSSBytes uint64
	// LoadAvgEnd is /proc/loadavg's figures at the end (RunHTTP).
	LoadAvgEnd string
	Total      time.Duration
}

// MarshalJSON is the report of `orgdir bench --json`.
func (r *Report) MarshalJSON() ([]byte, error) {
	type report struct {
		Database      string  `json:"database"`
		Over          string  `json:"against,omitempty"`
		Users         int     `json:"users"`
		Guests        int     `json:"guests"`
		Concurrency   int     `json:"concurrency"`
		OpsPerRow     int     `json:"opsPerOperation,omitempty"`
		DurationMS    float64 `json:"durationPerOperationMs,omitempty"`
		GOMAXPROCS    int     `json:"gomaxprocs"`
		CPUs          int     `json:"cpus"`
		LoadAvg       string  `json:"loadAverageAtStart,omitempty"`
		SeedMS        float64 `json:"seedMs"`
		SeedPerSecond float64 `json:"seedUserRowsPerSecond"`
		Analyzed      bool    `json:"analyzedAfterSeed"`
		Rows          []Row   `json:"operations"`
		PeakHeapBytes uint64  `json:"peakHeapBytes"`
		PeakRSSBytes  uint64  `json:"peakRssBytes,omitempty"`
		ServerRSS     uint64  `json:"serverPeakRssBytes,omitempty"`
		LoadAvgEnd    string  `json:"loadAverageAtEnd,omitempty"`
		TotalMS       float64 `json:"totalMs"`
	}
	out := report{
		Database: r.Database, Over: r.Over, Users: r.Users, Guests: r.Guests, Concurrency: r.Concurrency,
		OpsPerRow: r.Ops, GOMAXPROCS: r.GOMAXPROCS, CPUs: r.CPUs, LoadAvg: r.LoadAvg,
		SeedMS: ms(r.SeedElapsed), SeedPerSecond: r.seedRate(), Analyzed: r.Analyzed, Rows: r.Rows,
		PeakHeapBytes: r.PeakHeapBytes, PeakRSSBytes: r.PeakRSSBytes, ServerRSS: r.ServerPeakRSSBytes, LoadAvgEnd: r.LoadAvgEnd, TotalMS: ms(r.Total),
	}
	if r.Ops == 0 {
		out.DurationMS = ms(r.Duration)
	}
	return json.Marshal(out)
}

func (r *Report) seedRate() float64 {
	if r.SeedElapsed <= 0 {
		return 0
	}
	// Each guest brings its home user: both are written.
	return float64(r.Users+r.Guests) / r.SeedElapsed.Seconds()
}

// WriteTable writes the report for a person to read.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "database:    %s\n", r.Database)
	if r.Over != "" {
		fmt.Fprintf(&b, "against:     %s\n", r.Over)
	}
	if r.Users > 0 {
		fmt.Fprintf(&b, "tenant:      %d users (%d of them guests), seeded through the store in %s (%.0f user rows/s, the guests' home users included)\n",
			r.Users, r.Guests, round(r.SeedElapsed), r.seedRate())
	}
	if r.Analyzed {
		fmt.Fprintf(&b, "             then ANALYZE, as autovacuum would soon after an import\n")
	}
	per := fmt.Sprintf("%s each", r.Duration)
	if r.Ops > 0 {
		per = fmt.Sprintf("%d ops each", r.Ops)
	}
	fmt.Fprintf(&b, "load:        %d concurrent callers, %s; %d CPUs, GOMAXPROCS %d\n", r.Concurrency, per, r.CPUs, r.GOMAXPROCS)
	if r.LoadAvg != "" {
		// Figures taken on a busy machine say more about the machine.
		fmt.Fprintf(&b, "machine:     load average %s at the start\n", r.LoadAvg)
	}
	if r.LoadAvgEnd != "" {
		fmt.Fprintf(&b, "             load average %s at the end\n", r.LoadAvgEnd)
	}
	b.WriteString("\n")
	nameW := len("operation")
	for _, row := range r.Rows {
		nameW = max(nameW, len(row.Name))
	}
	line := "%-*s  %7s  %14s  %9s  %9s  %9s\n"
	fmt.Fprintf(&b, line, nameW, "operation", "count", "rate/s", "p50", "p95", "p99")
	for _, row := range r.Rows {
		if row.Unit == UnitUsers {
			fmt.Fprintf(&b, line, nameW, row.Name, fmt.Sprint(row.Ops), fmt.Sprintf("%.1f users/s", row.Rate), "-", "-", "-")
			continue
		}
		fmt.Fprintf(&b, line, nameW, row.Name, fmt.Sprint(row.Ops), fmt.Sprintf("%.1f", row.Rate), lat(row.P50), lat(row.P95), lat(row.P99))
	}
	fmt.Fprintf(&b, "\npeak Go heap: %.1f MiB (runtime.MemStats.HeapAlloc, sampled every %s)\n", float64(r.PeakHeapBytes)/(1<<20), heapInterval)
	if r.PeakRSSBytes > 0 {
		fmt.Fprintf(&b, "peak RSS:     %.1f MiB (VmHWM of the whole process)\n", float64(r.PeakRSSBytes)/(1<<20))
	}
	if r.ServerPeakRSSBytes > 0 {
		fmt.Fprintf(&b, "server RSS:   %.1f MiB (VmHWM of the orgdir serve process)\n", float64(r.ServerPeakRSSBytes)/(1<<20))
	}
	fmt.Fprintf(&b, "total:        %s\n", round(r.Total))
	_, err := io.WriteString(w, b.String())
	return err
}

// lat prints a latency in milliseconds with three significant decimals.
func lat(d time.Duration) string { return fmt.Sprintf("%.2fms", ms(d)) }

func round(d time.Duration) time.Duration { return d.Round(time.Millisecond) }

// loadAverage returns the 1, 5 and 15 minute load averages of Linux, or ""
// where /proc/loadavg does not exist.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// peakRSS returns the process's peak resident set size from Linux's
// /proc/self/status (VmHWM), or 0 where there is none.
func peakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	return vmHWM(b)
}

// vmHWM reads the VmHWM line of a /proc/PID/status, in bytes; 0 if none.
func vmHWM(status []byte) uint64 {
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v) // "12345 kB"
			if len(f) == 2 && f[1] == "kB" {
				if kb, err := strconv.ParseUint(f[0], 10, 64); err == nil {
					return kb << 10
				}
			}
		}
	}
	return 0
}
