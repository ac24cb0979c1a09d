package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/orgdir/orgdir/internal/bulkcsv"
	"github.com/orgdir/orgdir/internal/directory"
)

func runUserImport(ctx context.Context, e *env, args []string) error {
	f := newFlags("user import", `Creates the member users of a CSV file, as Entra's Bulk create: the file of
its template ("version:v1.0", then the headings Name [displayName],
User name [userPrincipalName], Initial password [passwordProfile],
Block sign in (Yes/No) [accountEnabled]) or one with the bare property names.
Usage: orgdir user import FILE --tenant DOMAIN. Each row is created whole or
not at all; the result CSV has one line per row: its number, its user name,
and "done" or the reason.`)
	var file string
	f.file = &file
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	result := f.String("result", "", "where to write the result CSV `file`; default FILE with .result.csv")
	if err := f.parse(e, args); err != nil {
		return err
	}
	rows, bad, err := readBulkFile(file, bulkcsv.Users)
	if err != nil {
		return err
	}
	return e.withService(ctx, db, defaultBaseURL, func(ctx context.Context, svc *directory.Service) error {
		t, err := findTenant(ctx, svc, *tenant)
		if err != nil {
			return err
		}
		p := e.progress("creating")
		res, err := svc.CreateUsers(ctx, t.ID, rows, directory.BulkOptions{Progress: p.report, Refused: bad})
		p.end()
		return e.writeBulkResult(file, *result, "created", res, err)
	})
}

func runInviteCSV(ctx context.Context, e *env, db *dbFlags, tenant, baseURL, file, result string) error {
	rows, bad, err := readBulkFile(file, bulkcsv.Invites)
	if err != nil {
		return err
	}
	return e.withService(ctx, db, baseURL, func(ctx context.Context, svc *directory.Service) error {
		t, err := findTenant(ctx, svc, tenant)
		if err != nil {
			return err
		}
		p := e.progress("inviting")
		res, err := svc.InviteUsers(ctx, t.ID, rows, directory.BulkOptions{Progress: p.report, Refused: bad})
		p.end()
		return e.writeBulkResult(file, result, "invited", res, err)
	})
}

// readBulkFile reads and parses a bulk file; a file of no rows is refused.
func readBulkFile[R any](file string, parse func(io.Reader) ([]R, []directory.BulkRowResult, error)) ([]R, []directory.BulkRowResult, error) {
	if file == "" {
		return nil, nil, usageErrorf("give the CSV file to read")
	}
	in, err := os.Open(file)
	if err != nil {
		return nil, nil, err
	}
	defer in.Close()
	rows, bad, err := parse(in)
	if err != nil {
		return nil, nil, named("file", file, err)
	}
	if n := len(rows) + len(bad); n == 0 || n > directory.MaxBulkRows {
		return nil, nil, directory.Invalidf("file", "%s: a bulk file has 1 to %d rows, not %d", file, directory.MaxBulkRows, n)
	}
	return rows, bad, nil
}

// writeBulkResult writes the result CSV and says how many rows were done;
// stopped is the error that stopped the operation, if any.
func (e *env) writeBulkResult(file, result, verb string, res []directory.BulkRowResult, stopped error) error {
	if result == "" {
		result = strings.TrimSuffix(file, ".csv") + ".result.csv"
	}
	if err := os.WriteFile(result, directory.BulkResultCSV(res), 0o600); err != nil {
		return err
	}
	done := 0
	for _, r := range res {
		if r.Err == nil {
			done++
		}
	}
	fmt.Fprintf(e.stdout, "%s %d of %d rows; %d failed; results in %s\n", verb, done, len(res), len(res)-done, result)
	return stopped
}

// progress is a one-line progress bar on stderr, drawn only when stderr
// is a terminal (a log or a pipe gets the summary only).
type progress struct {
	w    io.Writer
	verb string
	on   bool
}

func (e *env) progress(verb string) *progress {
	f, ok := e.stderr.(*os.File)
	on := false
	if ok {
		fi, err := f.Stat()
		on = err == nil && fi.Mode()&os.ModeCharDevice != 0
	}
	return &progress{w: e.stderr, verb: verb, on: on}
}

// report is the domain's Progress.
func (p *progress) report(done, failed, total int) {
	if !p.on {
		return
	}
	n := done + failed
	const width = 30
	bar := strings.Repeat("#", width*n/max(total, 1))
	fmt.Fprintf(p.w, "\r%s [%-*s] %d/%d rows, %d failed", p.verb, width, bar, n, total, failed)
}

func (p *progress) end() {
	if p.on {
		fmt.Fprintln(p.w)
	}
}
