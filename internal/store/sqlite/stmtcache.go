package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"

	sqlite3 "modernc.org/sqlite"
)

// The driver prepares (parses and plans) every statement it runs, and
// throws the plan away after: a quarter of a write's CPU, measured with
// orgdir bench --http --server-cpuprofile. Each connection here keeps its
// prepared statements by SQL text instead, as pgx does for PostgreSQL;
// SQLite re-prepares one by itself should the schema change.

// stmtCacheSize bounds the statements one connection keeps: more than the
// store's distinct statements, fewer than what filters built at run time
// (IN lists of every length) could make.
const stmtCacheSize = 512

// maxCachedQuery leaves long generated statements (bulk inserts) uncached.
const maxCachedQuery = 4096

// openDB opens a pool of dsn whose connections cache their statements.
func openDB(dsn string) (*sql.DB, error) {
	c, err := sqlite3.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(connector{c}), nil
}

// connector wraps the driver's connections in cachingConns.
type connector struct{ driver.Connector }

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := dc.(sqliteConn)
	if !ok {
		_ = dc.Close()
		return nil, errors.New("sqlite: the driver's connection lacks an interface the store needs")
	}
	return &cachingConn{conn: sc, stmts: map[string]*cachedStmt{}}, nil
}

// sqliteConn is what modernc's connection offers and database/sql uses.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachingConn is a connection with its statement cache. database/sql uses
// a connection from one goroutine at a time, so it needs no lock.
type cachingConn struct {
	conn  sqliteConn
	stmts map[string]*cachedStmt
	order []string // insertion order, for eviction
}

type cachedStmt struct {
	stmt  driver.Stmt
	inUse bool // rows of it are open: a second query must not reset it
}

var (
	_ sqliteConn = (*cachingConn)(nil)
)

// stmt returns the cached statement of query, preparing it the first
// time; nil when it is not to be cached or is busy.
func (c *cachingConn) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	if cs, ok := c.stmts[query]; ok {
		if cs.inUse {
			return nil, nil
		}
		return cs, nil
	}
	if len(query) > maxCachedQuery {
		return nil, nil
	}
	ds, err := c.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if len(c.stmts) >= stmtCacheSize {
		c.evict()
	}
	cs := &cachedStmt{stmt: ds}
	c.stmts[query] = cs
	c.order = append(c.order, query)
	return cs, nil
}

// evict closes the oldest statement not in use.
func (c *cachingConn) evict() {
	for i, q := range c.order {
		if cs := c.stmts[q]; !cs.inUse {
			_ = cs.stmt.Close()
			delete(c.stmts, q)
			c.order = append(c.order[:i:i], c.order[i+1:]...)
			return
		}
	}
}

// drop forgets a statement whose run failed, so that a statement left in
// an odd state is never run again.
func (c *cachingConn) drop(query string, cs *cachedStmt) {
	if c.stmts[query] != cs {
		return
	}
	_ = cs.stmt.Close()
	delete(c.stmts, query)
	for i, q := range c.order {
		if q == query {
			c.order = append(c.order[:i:i], c.order[i+1:]...)
			break
		}
	}
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.stmt(ctx, query)
	if err != nil || cs == nil {
		return c.conn.ExecContext(ctx, query, args)
	}
	res, err := cs.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
	if err != nil {
		c.drop(query, cs)
	}
	return res, err
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.stmt(ctx, query)
	if err != nil || cs == nil {
		return c.conn.QueryContext(ctx, query, args)
	}
	rows, err := cs.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		c.drop(query, cs)
		return nil, err
	}
	cs.inUse = true
	return &cachedRows{Rows: rows, cs: cs}, nil
}

// cachedRows frees its statement for the next query when closed.
type cachedRows struct {
	driver.Rows
	cs *cachedStmt
}

func (r *cachedRows) Close() error {
	r.cs.inUse = false
	return r.Rows.Close()
}

// Close closes the cached statements, then the connection.
func (c *cachingConn) Close() error {
	var errs []error
	for _, cs := range c.stmts {
		errs = append(errs, cs.stmt.Close())
	}
	c.stmts, c.order = nil, nil
	return errors.Join(append(errs, c.conn.Close())...)
}

func (c *cachingConn) Prepare(query string) (driver.Stmt, error) { return c.conn.Prepare(query) }
func (c *cachingConn) Begin() (driver.Tx, error)                 { return c.conn.Begin() } //nolint:staticcheck // the driver.Conn interface
func (c *cachingConn) BeginTx(ctx context.Context, o driver.TxOptions) (driver.Tx, error) {
	return c.conn.BeginTx(ctx, o)
}
func (c *cachingConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return c.conn.PrepareContext(ctx, q)
}
func (c *cachingConn) Ping(ctx context.Context) error         { return c.conn.Ping(ctx) }
func (c *cachingConn) ResetSession(ctx context.Context) error { return c.conn.ResetSession(ctx) }
func (c *cachingConn) IsValid() bool                          { return c.conn.IsValid() }
