package odata

import (
	"slices"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// Type is the type of a filterable property, as the domain declares it
// (directory.FilterProperties).
type Type = directory.PropertyType

const (
	String   = directory.PropText     // eq, ne, startswith; null
	Bool     = directory.PropBool     // eq, ne
	DateTime = directory.PropDateTime // eq, ne, gt, ge, lt, le; null
	Int      = directory.PropInt      // eq, ne, gt, ge, lt, le
)

// Spec is what one resource's listing supports. An option the spec does not
// allow is refused as unsupported.
type Spec struct {
	Resource   string                     // e.g. "users"; names the resource in messages and keys skip tokens
	Properties []string                   // names $select accepts, in Graph's spelling
	Filter     directory.FilterProperties // properties $filter accepts
	OrderBy    []string                   // properties $orderby accepts
	Search     []string                   // properties $search accepts ("displayName:foo")
	Count      bool                       // $count=true is available
	Paged      bool                       // $top and $skiptoken are available
}

// canonical returns the spelling of name in names, matched
// case-insensitively as Graph does.
func canonical(names []string, name string) (string, bool) {
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return n, true
		}
	}
	return "", false
}

func (s Spec) filterNames() []string {
	names := make([]string, 0, len(s.Filter))
	for n := range s.Filter {
		names = append(names, n)
	}
	return names
}

// checkFilter validates f against the spec and returns it with property
// names in their canonical spelling.
func (s Spec) checkFilter(f directory.Filter) (directory.Filter, error) {
	switch f := f.(type) {
	case directory.And:
		return s.checkSides(f.Left, f.Right, func(l, r directory.Filter) directory.Filter { return directory.And{Left: l, Right: r} })
	case directory.Or:
		return s.checkSides(f.Left, f.Right, func(l, r directory.Filter) directory.Filter { return directory.Or{Left: l, Right: r} })
	case directory.Not:
		x, err := s.checkFilter(f.X)
		if err != nil {
			return nil, err
		}
		return directory.Not{X: x}, nil
	case directory.Compare:
		return s.checkCompare(f)
	}
	return nil, badf("$filter", "unknown expression")
}

// checkSides checks the two sides of an and or an or, left first, and
// joins the checked sides again.
func (s Spec) checkSides(left, right directory.Filter, join func(l, r directory.Filter) directory.Filter) (directory.Filter, error) {
	l, err := s.checkFilter(left)
	if err != nil {
		return nil, err
	}
	r, err := s.checkFilter(right)
	if err != nil {
		return nil, err
	}
	return join(l, r), nil
}

func (s Spec) checkCompare(c directory.Compare) (directory.Filter, error) {
	name, ok := canonical(s.filterNames(), c.Property)
	if !ok {
		return nil, unsupportedf("$filter", "filtering %s on %s is not supported; filterable properties: %s",
			s.Resource, c.Property, strings.Join(sorted(s.filterNames()), ", "))
	}
	c.Property = name
	typ := s.Filter[name]
	if c.Value == nil {
		if c.Op != directory.OpEq && c.Op != directory.OpNe || typ == Bool || typ == Int {
			return nil, unsupportedf("$filter", "%s %s null is not supported; only eq null and ne null, on properties that can be null", name, c.Op)
		}
		return c, nil
	}
	var valueType Type
	switch c.Value.(type) {
	case string:
		valueType = String
	case bool:
		valueType = Bool
	case time.Time:
		valueType = DateTime
	case int64:
		valueType = Int
	}
	if valueType != typ {
		return nil, badf("$filter", "%s is a %s property; it cannot be compared with a %s literal", name, typ, valueType)
	}
	allowed := false
	switch typ {
	case String:
		allowed = c.Op == directory.OpEq || c.Op == directory.OpNe || c.Op == directory.OpStartsWith
	case Bool:
		allowed = c.Op == directory.OpEq || c.Op == directory.OpNe
	case DateTime, Int:
		allowed = c.Op != directory.OpStartsWith
	}
	if !allowed {
		return nil, unsupportedf("$filter", "the operator %s is not supported on %s (%s)", c.Op, name, typ)
	}
	return c, nil
}

func sorted(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return out
}
