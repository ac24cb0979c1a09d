package sqlstore

import (
	"strconv"
	"strings"
	"time"
)

// ErrorClass is what a driver error means to the store.
type ErrorClass int

const (
	ClassOther      ErrorClass = iota // anything else: KindInternal
	ClassUnique                       // a unique constraint: KindConflict
	ClassForeignKey                   // a missing referenced row: KindNotFound
	ClassRetry                        // a deadlock or serialization failure: run the Write again
)

// Dialect is what one SQL database does differently.
type Dialect struct {
	Name string
	// DollarPlaceholders rebinds `?` to $1, $2, … (PostgreSQL).
	DollarPlaceholders bool
	// UnixMicros stores times as INTEGER unix microseconds (SQLite, which
	// has no time type); otherwise times are passed as time.Time.
	UnixMicros bool
	// RowLocks enables FOR UPDATE and FOR UPDATE SKIP LOCKED in a Write.
	RowLocks bool
	// StatementSavepoints: PostgreSQL aborts the whole transaction when a
	// statement fails. A Write runs first without savepoints; one whose
	// caller goes on after a failed statement runs again with a savepoint
	// around each write statement, so that only the statement is undone,
	// as in SQLite, and the caller can handle a KindConflict and go on.
	StatementSavepoints bool
	// WritableCTEs allows an INSERT inside WITH (PostgreSQL), so that two
	// INSERTs go in one statement.
	WritableCTEs bool
	// Classify tells what a driver error means and names the constraint
	// (or the text that names it) when there is one.
	Classify func(err error) (ErrorClass, string)
}

// Rebind rewrites the `?` placeholders of query for the dialect. A `?`
// inside a quoted literal is left alone.
func (d *Dialect) Rebind(query string) string {
	if !d.DollarPlaceholders || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	inQuote := false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// timeArg is the query argument of a time value.
func (d *Dialect) timeArg(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if d.UnixMicros {
		return t.UnixMicro()
	}
	return t
}

// nullTimeArg is timeArg of an optional time: nil stays NULL.
func (d *Dialect) nullTimeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return d.timeArg(*t)
}

// forUpdate is the row lock clause of a read inside a Write.
func (d *Dialect) forUpdate(write bool) string {
	if d.RowLocks && write {
		return " FOR UPDATE"
	}
	return ""
}

// forShare is the shared row lock clause of a read inside a Write.
func (d *Dialect) forShare(write bool) string {
	if d.RowLocks && write {
		return " FOR SHARE"
	}
	return ""
}

// skipLocked is the lock clause of a work queue read inside a Write.
func (d *Dialect) skipLocked(write bool) string {
	if d.RowLocks && write {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// hourOf is the hour number since the Unix epoch of the time column col.
func (d *Dialect) hourOf(col string) string {
	if d.UnixMicros {
		return "(" + col + " / 3600000000)"
	}
	return "CAST(floor(extract(epoch FROM " + col + ") / 3600) AS BIGINT)"
}

// stringAgg joins the values of col with commas, in no given order.
func (d *Dialect) stringAgg(col string) string {
	if d.Name == "postgres" {
		return "string_agg(" + col + ", ',')"
	}
	return "group_concat(" + col + ", ',')"
}
