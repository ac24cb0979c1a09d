package odata

import (
	"strconv"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// maxFilterLength, maxFilterDepth and maxFilterTerms bound the work one
// request can cause: the parser's recursion, and the size of the SQL
// condition a store compiles from the tree.
const (
	maxFilterLength = 4096
	maxFilterDepth  = 32
	maxFilterTerms  = 100
)

var comparisons = map[string]directory.CmpOp{
	"eq": directory.OpEq, "ne": directory.OpNe,
	"gt": directory.OpGt, "ge": directory.OpGe,
	"lt": directory.OpLt, "le": directory.OpLe,
}

// unsupportedFunctions are OData functions and operators orgdir knows by
// name, so that it can refuse them as unsupported rather than malformed.
var unsupportedFunctions = map[string]bool{
	"endswith": true, "contains": true, "substringof": true, "tolower": true, "toupper": true,
	"length": true, "indexof": true, "substring": true, "trim": true, "concat": true,
	"year": true, "month": true, "day": true, "hour": true, "minute": true, "second": true,
	"date": true, "time": true, "now": true, "round": true, "floor": true, "ceiling": true,
	"isof": true, "cast": true, "has": true, "in": true,
}

// ParseFilter parses a $filter expression into a directory.Filter. It checks
// syntax only; Spec.checkFilter checks properties and types. The grammar:
//
//	expr    = and { "or" and }
//	and     = unary { "and" unary }
//	unary   = "not" unary | primary
//	primary = "(" expr ")" | "startswith" "(" name "," literal ")" | name op literal
//	op      = "eq" | "ne" | "gt" | "ge" | "lt" | "le"
//	literal = 'string' | true | false | null | DateTimeOffset
func ParseFilter(s string) (directory.Filter, error) {
	if strings.TrimSpace(s) == "" {
		return nil, badf("$filter", "the expression is empty")
	}
	if len(s) > maxFilterLength {
		return nil, badf("$filter", "the expression is longer than %d characters", maxFilterLength)
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	f, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.errAt(t, "expected 'and', 'or' or the end of the expression, found %s", t.describe())
	}
	return f, nil
}

type parser struct {
	toks  []token
	i     int
	terms int // comparisons read so far
}

// term counts one comparison against maxFilterTerms.
func (p *parser) term(at token) error {
	p.terms++
	if p.terms > maxFilterTerms {
		return p.errAt(at, "the expression has more than %d comparisons", maxFilterTerms)
	}
	return nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) errAt(t token, format string, args ...any) *Error {
	e := badf("$filter", format, args...)
	e.Message = "at position " + strconv.Itoa(t.pos) + ": " + e.Message
	return e
}

func (p *parser) isKeyword(word string) bool {
	t := p.peek()
	return t.kind == tokIdent && t.text == word
}

func (p *parser) or(depth int) (directory.Filter, error) {
	left, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for p.isKeyword("or") {
		p.next()
		right, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		left = directory.Or{Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) and(depth int) (directory.Filter, error) {
	left, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	for p.isKeyword("and") {
		p.next()
		right, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		left = directory.And{Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) unary(depth int) (directory.Filter, error) {
	if depth > maxFilterDepth {
		return nil, p.errAt(p.peek(), "the expression is nested more than %d levels deep", maxFilterDepth)
	}
	if p.isKeyword("not") {
		p.next()
		x, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return directory.Not{X: x}, nil
	}
	return p.primary(depth)
}

func (p *parser) primary(depth int) (directory.Filter, error) {
	t := p.next()
	switch t.kind {
	case tokLParen:
		f, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tokRParen {
			return nil, p.errAt(c, "expected ')' to close the '(' at position %d, found %s", t.pos, c.describe())
		}
		return f, nil
	case tokIdent:
		if err := p.term(t); err != nil {
			return nil, err
		}
		if p.peek().kind == tokLParen {
			return p.function(t)
		}
		return p.comparison(t)
	default:
		return nil, p.errAt(t, "expected a property name, 'not', 'startswith(' or '(', found %s", t.describe())
	}
}

func (p *parser) function(name token) (directory.Filter, error) {
	if name.text != "startswith" {
		if unsupportedFunctions[strings.ToLower(name.text)] {
			return nil, &Error{Option: "$filter", Unsupported: true,
				Message: "at position " + strconv.Itoa(name.pos) + ": the function " + name.text + " is not supported; use startswith, eq, ne, gt, ge, lt, le, and, or, not"}
		}
		return nil, p.errAt(name, "unknown function %s", name.describe())
	}
	p.next() // (
	prop := p.next()
	if prop.kind != tokIdent {
		return nil, p.errAt(prop, "startswith needs a property name first, found %s", prop.describe())
	}
	if c := p.next(); c.kind != tokComma {
		return nil, p.errAt(c, "expected ',' after %s in startswith, found %s", prop.describe(), c.describe())
	}
	val, err := p.literal()
	if err != nil {
		return nil, err
	}
	if c := p.next(); c.kind != tokRParen {
		return nil, p.errAt(c, "expected ')' to close startswith, found %s", c.describe())
	}
	return directory.Compare{Property: prop.text, Op: directory.OpStartsWith, Value: val}, nil
}

func (p *parser) comparison(prop token) (directory.Filter, error) {
	opTok := p.next()
	op, ok := comparisons[opTok.text]
	if opTok.kind != tokIdent || !ok {
		if opTok.kind == tokIdent && (unsupportedFunctions[opTok.text] || opTok.text == "add" || opTok.text == "sub") {
			return nil, &Error{Option: "$filter", Unsupported: true,
				Message: "at position " + strconv.Itoa(opTok.pos) + ": the operator " + opTok.text + " is not supported"}
		}
		return nil, p.errAt(opTok, "expected a comparison operator (eq, ne, gt, ge, lt, le) after %s, found %s", prop.describe(), opTok.describe())
	}
	val, err := p.literal()
	if err != nil {
		return nil, err
	}
	return directory.Compare{Property: prop.text, Op: op, Value: val}, nil
}

func (p *parser) literal() (any, error) {
	t := p.next()
	switch t.kind {
	case tokString:
		return t.text, nil
	case tokDateTime:
		return t.time, nil
	case tokNumber:
		n, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			return nil, &Error{Option: "$filter", Unsupported: true,
				Message: "at position " + strconv.Itoa(t.pos) + ": the number " + t.text + " is not supported; only whole numbers (Int64) are"}
		}
		return n, nil
	case tokIdent:
		switch t.text {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
	}
	return nil, p.errAt(t, "expected a literal ('text', true, false, null or a DateTimeOffset), found %s", t.describe())
}

// Format prints f in $filter syntax; ParseFilter(Format(f)) yields f again.
// It writes parentheses only where precedence ("not" over "and" over "or",
// both left-associative) needs them, so a reprint nests no deeper than the
// expression it came from.
func Format(f directory.Filter) string {
	var b strings.Builder
	format(&b, f, precOr)
	return b.String()
}

const (
	precOr = iota + 1
	precAnd
	precUnary
	precAtom
)

func precedence(f directory.Filter) int {
	switch f.(type) {
	case directory.Or:
		return precOr
	case directory.And:
		return precAnd
	case directory.Not:
		return precUnary
	}
	return precAtom
}

func format(b *strings.Builder, f directory.Filter, min int) {
	if precedence(f) < min {
		b.WriteByte('(')
		defer b.WriteByte(')')
	}
	switch f := f.(type) {
	case directory.Or:
		format(b, f.Left, precOr)
		b.WriteString(" or ")
		format(b, f.Right, precAnd)
	case directory.And:
		format(b, f.Left, precAnd)
		b.WriteString(" and ")
		format(b, f.Right, precUnary)
	case directory.Not:
		b.WriteString("not ")
		format(b, f.X, precUnary)
	case directory.Compare:
		if f.Op == directory.OpStartsWith {
			b.WriteString("startswith(" + f.Property + "," + formatLiteral(f.Value) + ")")
			return
		}
		b.WriteString(f.Property + " " + string(f.Op) + " " + formatLiteral(f.Value))
	}
}

func formatLiteral(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		if v {
			return "true"
		}
		return "false"
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case int64:
		return strconv.FormatInt(v, 10)
	}
	return "null"
}
