package sqlstore

import (
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// filterable is one listing's filterable properties: their types come
// from the domain (directory.FilterProperties), their columns from here.
// TestFilterColumnsMatchTheDomain fails when the two drift apart.
type filterable struct {
	props   directory.FilterProperties
	columns map[string]string
}

var userProps = filterable{directory.UserFilter, map[string]string{
	"id":                "id",
	"displayName":       "display_name",
	"userPrincipalName": "upn",
	"mail":              "mail",
	"userType":          "user_type",
	"accountEnabled":    "account_enabled",
	"externalUserState": "external_user_state",
	"creationType":      "creation_type",
	"createdDateTime":   "created_at",
	"deletedDateTime":   "deleted_at",

	"signInActivity/lastSignInDateTime":               "last_sign_in_at",
	"signInActivity/lastNonInteractiveSignInDateTime": "last_non_interactive_sign_in_at",
}}

var auditProps = filterable{directory.AuditFilter, map[string]string{
	"activityDateTime":    "e.time",
	"activityDisplayName": "e.activity",
	"category":            "e.category",
	"result":              "e.result",
}}

var groupProps = filterable{directory.GroupFilter, map[string]string{
	"id":          "id",
	"displayName": "display_name",
}}

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
	kind, known := props.props[c.Property]
	col, ok := props.columns[c.Property]
	if !known || !ok {
		return "", nil, directory.Invalidf(c.Property, "unknown property %q in filter", c.Property)
	}
	op, isCmp := sqlOps[c.Op]
	if !isCmp && c.Op != directory.OpStartsWith {
		return "", nil, directory.Invalidf(c.Property, "unsupported operator %q on %s", c.Op, c.Property)
	}
	if c.Value == nil {
		return nullCompare(col, kind, c)
	}
	switch kind {
	case directory.PropText:
		v, ok := c.Value.(string)
		if !ok {
			return "", nil, directory.Invalidf(c.Property, "%s takes a string, not %T", c.Property, c.Value)
		}
		if c.Op == directory.OpStartsWith {
			return "(lower(" + col + ") LIKE lower(?) ESCAPE '\\')", []any{escapeLike(v) + "%"}, nil
		}
		return "(lower(" + col + ") " + op + " lower(?))", []any{v}, nil
	case directory.PropBool:
		v, ok := c.Value.(bool)
		if !ok {
			return "", nil, directory.Invalidf(c.Property, "%s takes true or false, not %T", c.Property, c.Value)
		}
		if c.Op != directory.OpEq && c.Op != directory.OpNe {
			return "", nil, directory.Invalidf(c.Property, "%s supports only eq and ne", c.Property)
		}
		return "(" + col + " " + op + " ?)", []any{v}, nil
	case directory.PropInt:
		v, ok := c.Value.(int64)
		if !ok {
			return "", nil, directory.Invalidf(c.Property, "%s takes a whole number, not %T", c.Property, c.Value)
		}
		if c.Op == directory.OpStartsWith {
			return "", nil, directory.Invalidf(c.Property, "startswith applies to text, not to %s", c.Property)
		}
		return "(" + col + " " + op + " ?)", []any{v}, nil
	case directory.PropDateTime:
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
func nullCompare(col string, kind directory.PropertyType, c directory.Compare) (string, []any, error) {
	var isNull, notNull string
	switch kind {
	case directory.PropText:
		isNull, notNull = "("+col+" = '')", "("+col+" <> '')"
	case directory.PropDateTime:
		isNull, notNull = "("+col+" IS NULL)", "("+col+" IS NOT NULL)"
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
