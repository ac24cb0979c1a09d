package httpapi

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
	"github.com/orgdir/orgdir/internal/odata"
)

// fetchLimit asks the store for one object more than the page, to know
// whether another page follows without a second query. At the largest
// page size that is not allowed, and a full page then always links on
// (the last link may lead to an empty page, as Graph's sometimes does).
func fetchLimit(top int) int {
	if top < directory.MaxPageSize {
		return top + 1
	}
	return top
}

// hasMore trims the extra object fetchLimit asked for and reports whether
// a next page exists.
func hasMore[T any](items []T, top int) ([]T, bool) {
	if len(items) > top {
		return items[:top], true
	}
	return items, len(items) == top && top == directory.MaxPageSize
}

// keysetPage renders a page of a collection fetched with fetchLimit: its
// objects, and when another page follows, the cursor after the last.
func keysetPage[T any](context string, items []T, top int, render func(T) graphjson.Object, cursor func(last T) *odata.Cursor) list {
	items, more := hasMore(items, top)
	l := list{context: context}
	for _, x := range items {
		l.values = append(l.values, render(x))
	}
	if more {
		l.next = cursor(items[len(items)-1])
	}
	return l
}

// idPage is the store page a query asks for of a collection paged by id.
func idPage(q *odata.Query) directory.Page {
	p := directory.Page{Limit: fetchLimit(q.Top)}
	if q.Cursor != nil {
		p.AfterID = q.Cursor.ID
	}
	return p
}

// pageInMemory pages a short collection the Service returns whole (a
// user's groups, a user's assignments) by id, with the same keyset
// $skiptoken as the stored collections.
func pageInMemory[T any](items []T, id func(T) string, q *odata.Query) ([]T, *odata.Cursor) {
	items = slices.Clone(items)
	slices.SortFunc(items, func(a, b T) int { return strings.Compare(id(a), id(b)) })
	if q.Cursor != nil {
		start, _ := slices.BinarySearchFunc(items, q.Cursor.ID, func(x T, after string) int {
			if id(x) <= after {
				return -1
			}
			return 1
		})
		items = items[start:]
	}
	if len(items) > q.Top {
		return items[:q.Top], &odata.Cursor{ID: id(items[q.Top-1])}
	}
	return items, nil
}

// list is one page of a collection.
type list struct {
	context string             // @odata.context fragment, e.g. "users"
	values  []graphjson.Object // already rendered
	count   *int               // @odata.count, with $count=true on the first page
	next    *odata.Cursor
}

// writeList writes a page as Graph does: @odata.context, @odata.count,
// @odata.nextLink (the whole URL, this query with the next $skiptoken) and
// value.
func (a *API) writeList(w http.ResponseWriter, r *http.Request, q *odata.Query, l list) error {
	ctx := l.context
	if q != nil && q.Select != nil {
		ctx += "(" + strings.Join(q.Select, ",") + ")"
	}
	body := graphjson.Object{{"@odata.context", a.metadata(r, ctx)}}
	if l.count != nil {
		body = append(body, graphjson.Member{"@odata.count", *l.count})
	}
	if l.next != nil {
		body = append(body, graphjson.Member{"@odata.nextLink", a.nextLink(r, q.SkipToken(*l.next))})
	}
	values := make([]graphjson.Object, len(l.values))
	for i, v := range l.values {
		if q != nil {
			v = v.Pick(q.Select)
		}
		values[i] = v
	}
	body = append(body, graphjson.Member{"value", values})
	return writeJSON(w, http.StatusOK, body)
}

// nextLink is the request's own URL with $skiptoken set to token. Option
// names keep their $ so that the link reads as Graph's do.
func (a *API) nextLink(r *http.Request, token string) string {
	v := r.URL.Query()
	for k := range v {
		if strings.EqualFold(strings.TrimPrefix(k, "$"), "skiptoken") {
			delete(v, k)
		}
	}
	v.Set("$skiptoken", token)
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, val := range v[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(strings.ReplaceAll(url.QueryEscape(k), "%24", "$"))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(val))
		}
	}
	return a.baseURL(r) + r.URL.EscapedPath() + "?" + b.String()
}

// parseQuery reads the OData options of r for spec.
func parseQuery(r *http.Request, spec odata.Spec) (*odata.Query, error) {
	v, err := queryValues(r)
	if err != nil {
		return nil, err
	}
	return odata.Parse(v, eventual(r), spec)
}

// noQuery refuses every query option, for responses that take none.
func noQuery(r *http.Request, resource string) error {
	_, err := parseQuery(r, odata.Spec{Resource: resource})
	return err
}

// queryValues parses the query string. url.URL.Query drops what it cannot
// parse (a raw ';', a bad %-escape) without a word, which would run a
// request without the $filter the client meant: here that is a 400.
func queryValues(r *http.Request) (url.Values, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest("", "the query string is malformed ("+strings.TrimPrefix(err.Error(), "invalid ")+
			"); percent-encode reserved characters such as ; (%3B), % (%25) and # (%23)")
	}
	return v, nil
}
