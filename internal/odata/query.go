package odata

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

// Query is the parsed query options of one list or get request.
type Query struct {
	Filter  directory.Filter // nil when there is none
	Select  []string         // nil means the default set
	Top     int              // page size, 1..999
	OrderBy string           // "" means the resource's default order
	Desc    bool
	Count   bool
	Search  string // the term of $search, "" when there is none
	// SearchIn is the property $search names, in its canonical spelling.
	SearchIn string
	Cursor   *Cursor // where this page starts, from $skiptoken
	key      string  // ties skip tokens to this query
}

// options are the system query options orgdir knows.
var options = []string{"$filter", "$select", "$top", "$orderby", "$count", "$search", "$skiptoken"}

// knownButUnsupported are OData options orgdir recognises and refuses.
var knownButUnsupported = []string{"$expand", "$skip", "$format", "$apply", "$compute", "$levels", "$deltatoken", "$index", "$schemaversion", "$id"}

// maxOptionLength bounds every query option's value, so that no option
// can make a request do (or echo back) more than a few kilobytes' worth.
const maxOptionLength = maxFilterLength

// Parse reads the query options of v for a resource described by spec.
// eventual says whether the request carried ConsistencyLevel: eventual,
// which $count and $search need, as in Graph.
func Parse(v url.Values, eventual bool, spec Spec) (*Query, error) {
	q := &Query{Top: directory.DefaultPageSize}
	vals := map[string]string{}
	for name, vs := range v {
		opt := strings.ToLower(name)
		if !strings.HasPrefix(opt, "$") {
			opt = "$" + opt // Graph v1.0 accepts the options without their $
		}
		if _, ok := canonical(options, opt); !ok {
			if _, known := canonical(knownButUnsupported, opt); known {
				return nil, unsupportedf(name, "the query option %s is not supported", name)
			}
			return nil, unsupportedf(name, "unknown query option %s; supported: %s", name, strings.Join(options, ", "))
		}
		if _, dup := vals[opt]; dup || len(vs) != 1 {
			return nil, badf(opt, "the query option %s is given more than once", opt)
		}
		if len(vs[0]) > maxOptionLength {
			return nil, badf(opt, "the query option %s is longer than %d characters", opt, maxOptionLength)
		}
		vals[opt] = vs[0]
	}
	if s, ok := vals["$select"]; ok {
		sel, err := parseSelect(s, spec)
		if err != nil {
			return nil, err
		}
		q.Select = sel
	}
	if s, ok := vals["$filter"]; ok {
		if len(spec.Filter) == 0 {
			return nil, unsupportedf("$filter", "%s cannot be filtered", spec.Resource)
		}
		f, err := ParseFilter(s)
		if err != nil {
			return nil, err
		}
		if q.Filter, err = spec.checkFilter(f); err != nil {
			return nil, err
		}
	}
	if s, ok := vals["$top"]; ok {
		if !spec.Paged {
			return nil, unsupportedf("$top", "%s is not paged; $top is not supported here", spec.Resource)
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > directory.MaxPageSize {
			return nil, badf("$top", "%q is not a page size; give a whole number from 1 to %d", s, directory.MaxPageSize)
		}
		q.Top = n
	}
	if s, ok := vals["$orderby"]; ok {
		if err := q.parseOrderBy(s, spec); err != nil {
			return nil, err
		}
	}
	if s, ok := vals["$count"]; ok {
		switch s {
		case "true":
			if !spec.Count {
				return nil, unsupportedf("$count", "$count is not supported on %s", spec.Resource)
			}
			if !eventual {
				// Graph answers this with 400 Request_BadRequest, not
				// Request_UnsupportedQuery.
				return nil, badf("$count", "$count is not currently supported without the request header ConsistencyLevel: eventual")
			}
			q.Count = true
		case "false":
		default:
			return nil, badf("$count", "%q is not true or false", s)
		}
	}
	if s, ok := vals["$search"]; ok {
		if err := q.parseSearch(s, eventual, spec); err != nil {
			return nil, err
		}
	}
	q.key = queryKey(spec.Resource, q)
	if s, ok := vals["$skiptoken"]; ok {
		if !spec.Paged {
			return nil, unsupportedf("$skiptoken", "%s is not paged; $skiptoken is not supported here", spec.Resource)
		}
		c, err := decodeSkipToken(s, q.key)
		if err != nil {
			return nil, err
		}
		q.Cursor = c
	}
	return q, nil
}

func parseSelect(s string, spec Spec) ([]string, error) {
	if len(spec.Properties) == 0 {
		return nil, unsupportedf("$select", "$select is not supported on %s", spec.Resource)
	}
	var out []string
	for _, part := range strings.Split(s, ",") {
		name := strings.TrimSpace(part)
		if name == "" {
			return nil, badf("$select", "empty property name in %q", s)
		}
		if name == "*" {
			return nil, nil
		}
		c, ok := canonical(spec.Properties, name)
		if !ok {
			return nil, badf("$select", "could not find a property named %q on %s; properties: %s",
				name, spec.Resource, strings.Join(spec.Properties, ", "))
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (q *Query) parseOrderBy(s string, spec Spec) error {
	if strings.Contains(s, ",") {
		return unsupportedf("$orderby", "ordering by more than one property is not supported")
	}
	fields := strings.Fields(s)
	if len(fields) == 0 || len(fields) > 2 {
		return badf("$orderby", "%q is not `property [asc|desc]`", s)
	}
	name, ok := canonical(spec.OrderBy, fields[0])
	if !ok {
		if len(spec.OrderBy) == 0 {
			return unsupportedf("$orderby", "%s cannot be ordered", spec.Resource)
		}
		return unsupportedf("$orderby", "ordering %s by %s is not supported; use %s",
			spec.Resource, fields[0], strings.Join(spec.OrderBy, " or "))
	}
	q.OrderBy = name
	if len(fields) == 2 {
		switch strings.ToLower(fields[1]) {
		case "asc":
		case "desc":
			q.Desc = true
		default:
			return badf("$orderby", "%q is not asc or desc", fields[1])
		}
	}
	return nil
}

// parseSearch reads Graph's `"property:term"` form.
func (q *Query) parseSearch(s string, eventual bool, spec Spec) error {
	if len(spec.Search) == 0 {
		return unsupportedf("$search", "$search is not supported on %s", spec.Resource)
	}
	if !eventual {
		return unsupportedf("$search", "$search needs the request header ConsistencyLevel: eventual")
	}
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return badf("$search", `%q is not of the form "property:term" (with the double quotes)`, s)
	}
	inner := s[1 : len(s)-1]
	if strings.Contains(inner, `"`) {
		return unsupportedf("$search", "combining several search clauses is not supported")
	}
	prop, term, ok := strings.Cut(inner, ":")
	if !ok {
		return badf("$search", `%q is not of the form "property:term"`, s)
	}
	name, ok := canonical(spec.Search, strings.TrimSpace(prop))
	if !ok {
		return unsupportedf("$search", "searching %s by %s is not supported; use %s",
			spec.Resource, prop, strings.Join(spec.Search, ", "))
	}
	term = strings.TrimSpace(term)
	if term == "" {
		return badf("$search", "the search term after %q is empty", prop+":")
	}
	q.Search, q.SearchIn = term, name
	return nil
}
