package sqlstore

import (
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// propKind is the type of a filterable property.
type propKind int

const (
	propString propKind = iota // text; "" means null; comparisons ignore case
	propBool
	propTime // nullable
)

// prop maps a Graph property name to its column.
type prop struct {
	column string
	kind   propKind
}

// filterable is the set of properties a listing accepts in a Filter.
type filterable map[string]prop

var userProps = filterable{
	"id":                {"id", propString},
	"displayName":       {"display_name", propString},
	"userPrincipalName": {"upn", propString},
	"mail":              {"mail", propString},
	"userType":          {"user_type", propString},
	"accountEnabled":    {"account_enabled", propBool},
	"externalUserState": {"external_user_state", propString},
	"creationType":      {"creation_type", propString},
	"createdDateTime":   {"created_at", propTime},
	"deletedDateTime":   {"deleted_at", propTime},
}

var auditProps = filterable{
	"activityDateTime":    {"e.time", propTime},
	"activityDisplayName": {"e.activity", propString},
	"category":            {"e.category", propString},
	"result":              {"e.result", propString},
}

var groupProps = filterable{
	"id":          {"id", propString},
	"displayName": {"display_name", propString},
}

// sqlOps are the SQL of the comparison operators.
var sqlOps = map[directory.CmpOp]string{
	directory.OpEq: "=", directory.OpNe: "<>",
	directory.OpGt: ">", directory.OpGe: ">=",
	directory.OpLt: "<", directory.OpLe: "<=",
}

// compile turns f into a parenthesized SQL condition and its arguments.
// Values only ever become arguments. A property the listing does not know,
// an operator it does not support or a value of the wrong type is
// KindInvalid naming the property.
func (d *Dialect) compile(props filterable, f directory.Filter) (string, []any, error) {
	switch f := f.(type) {
	case directory.And:
		return d.compileBinary(props, "AND", f.Left, f.Right)
	case *directory.And:
		return d.compileBinary(props, "AND", f.Left, f.Right)
	case directory.Or:
		return d.compileBinary(props, "OR", f.Left, f.Right)
	case *directory.Or:
		return d.compileBinary(props, "OR", f.Left, f.Right)
	case directory.Not:
		return d.compileNot(props, f.X)
	case *directory.Not:
		return d.compileNot(props, f.X)
	case directory.Compare:
		return d.compileCompare(props, f)
	case *directory.Compare:
		return d.compileCompare(props, *f)
	case nil:
		return "", nil, directory.Invalidf("$filter", "empty filter expression")
	}
	return "", nil, directory.Invalidf("$filter", "unsupported filter expression %T", f)
}

func (d *Dialect) compileBinary(props filterable, op string, l, r directory.Filter) (string, []any, error) {
	ls, la, err := d.compile(props, l)
	if err != nil {
		return "", nil, err
	}
	rs, ra, err := d.compile(props, r)
	if err != nil {
		return "", nil, err
	}
	return "(" + ls + " " + op + " " + rs + ")", append(la, ra...), nil
}

func (d *Dialect) compileNot(props filterable, x directory.Filter) (string, []any, error) {
	s, a, err := d.compile(props, x)
	if err != nil {
		return "", nil, err
	}
	return "(NOT " + s + ")", a, nil
}

func (d *Dialect) compileCompare(props filterable, c directory.Compare) (string, []any, error) {
	p, ok := props[c.Property]
	if !ok {
		return "", nil, directory.Invalidf(c.Property, "unknown property %q in filter", c.Property)
	}
	op, isCmp := sqlOps[c.Op]
	if !isCmp && c.Op != directory.OpStartsWith {
		return "", nil, directory.Invalidf(c.Property, "unsupported operator %q on %s", c.Op, c.Property)
	}
	col := p.column
	if c.Value == nil {
		return nullCompare(p, c)
	}
	switch p.kind {
	case propString:
		v, ok := c.Value.(string)
		if !ok {
			return "", nil, directory.Invalidf(c.Property, "%s takes a string, not %T", c.Property, c.Value)
		}
		if c.Op == directory.OpStartsWith {
			return "(lower(" + col + ") LIKE lower(?) ESCAPE '\\')", []any{escapeLike(v) + "%"}, nil
		}
		return "(lower(" + col + ") " + op + " lower(?))", []any{v}, nil
	case propBool:
		v, ok := c.Value.(bool)
		if !ok {
			return "", nil, directory.Invalidf(c.Property, "%s takes true or false, not %T", c.Property, c.Value)
		}
		if c.Op != directory.OpEq && c.Op != directory.OpNe {
			return "", nil, directory.Invalidf(c.Property, "%s supports only eq and ne", c.Property)
		}
		return "(" + col + " " + op + " ?)", []any{v}, nil
	case propTime:
		v, ok := c.Value.(time.Time)
		if !ok {
			return "", nil, directory.Invalidf(c.Property, "%s takes a date and time, not %T", c.Property, c.Value)
		}
		if c.Op == directory.OpStartsWith {
			return "", nil, directory.Invalidf(c.Property, "startswith applies to text, not to %s", c.Property)
		}
		return "(" + col + " " + op + " ?)", []any{d.timeArg(v)}, nil
	}
	return "", nil, directory.Invalidf(c.Property, "%s cannot be filtered", c.Property)
}

// nullCompare is `property eq null` / `ne null`. An empty text is null.
func nullCompare(p prop, c directory.Compare) (string, []any, error) {
	var isNull, notNull string
	switch p.kind {
	case propString:
		isNull, notNull = "("+p.column+" = '')", "("+p.column+" <> '')"
	case propTime:
		isNull, notNull = "("+p.column+" IS NULL)", "("+p.column+" IS NOT NULL)"
	default:
		return "", nil, directory.Invalidf(c.Property, "%s cannot be null", c.Property)
	}
	switch c.Op {
	case directory.OpEq:
		return isNull, nil, nil
	case directory.OpNe:
		return notNull, nil, nil
	}
	return "", nil, directory.Invalidf(c.Property, "null can only be compared with eq or ne")
}

// escapeLike makes s match itself in a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
