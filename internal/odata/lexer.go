package odata

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

type tokKind int

const (
	tokEOF tokKind = iota
	tokIdent
	tokString
	tokDateTime
	tokNumber
	tokLParen
	tokRParen
	tokComma
)

// token is one lexeme of $filter; pos is its 1-based character position,
// which error messages name.
type token struct {
	kind tokKind
	text string    // the source text (for tokString: the unescaped value)
	time time.Time // for tokDateTime
	pos  int
}

// describe renders a token for an error message.
func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "the end of the expression"
	case tokString:
		return "string '" + strings.ReplaceAll(t.text, "'", "''") + "'"
	default:
		return "'" + t.text + "'"
	}
}

// lex splits s into tokens, or fails at the first character it cannot use.
func lex(s string) ([]token, error) {
	var toks []token
	if !utf8.ValidString(s) {
		return nil, badf("$filter", "the expression is not valid UTF-8")
	}
	i := 0
	col := func(byteOff int) int { return utf8.RuneCountInString(s[:byteOff]) + 1 }
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, token{kind: tokLParen, text: "(", pos: col(i)})
			i++
		case c == ')':
			toks = append(toks, token{kind: tokRParen, text: ")", pos: col(i)})
			i++
		case c == ',':
			toks = append(toks, token{kind: tokComma, text: ",", pos: col(i)})
			i++
		case c == '\'':
			start := i
			var b strings.Builder
			i++
			closed := false
			for i < len(s) {
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' { // '' is an escaped quote
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, badf("$filter", "at position %d: the string literal is not closed with '", col(start))
			}
			toks = append(toks, token{kind: tokString, text: b.String(), pos: col(start)})
		case isIdentStart(c):
			start := i
			for i < len(s) && isIdentPart(s[i]) {
				i++
			}
			// A path such as status/errorCode is a property name the spec
			// may know; a lambda (identities/any(…)) is not supported.
			if path := s[start:i]; strings.Contains(path, "/") && (i < len(s) && s[i] == '(' || !plainPath(path)) {
				return nil, unsupportedf("$filter", "at position %d: property paths and lambda operators such as %s are not supported", col(start), s[start:i])
			}
			toks = append(toks, token{kind: tokIdent, text: s[start:i], pos: col(start)})
		case c >= '0' && c <= '9' || c == '-':
			start := i
			i++
			for i < len(s) && isLiteralPart(s[i]) {
				i++
			}
			text := s[start:i]
			t, err := lexNumberOrTime(text, col(start))
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
		default:
			r, _ := utf8.DecodeRuneInString(s[i:])
			return nil, badf("$filter", "at position %d: unexpected character %q", col(i), r)
		}
	}
	toks = append(toks, token{kind: tokEOF, pos: utf8.RuneCountInString(s) + 1})
	return toks, nil
}

// plainPath reports whether path is identifiers joined by single slashes.
func plainPath(path string) bool {
	for _, seg := range strings.Split(path, "/") {
		if seg == "" || !isIdentStart(seg[0]) {
			return false
		}
	}
	return true
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$'
}

// isIdentPart admits '/' and '.' so that a path such as identities/any or
// a qualified name reaches the parser whole and is refused by name.
func isIdentPart(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '/' || c == '.'
}

func isLiteralPart(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' ||
		c == '-' || c == ':' || c == '.' || c == '+'
}

// lexNumberOrTime reads a literal that starts with a digit: a
// DateTimeOffset (RFC 3339) or a number, which no orgdir property takes.
func lexNumberOrTime(text string, pos int) (token, error) {
	if strings.ContainsRune(text, 'T') {
		t, err := time.Parse(time.RFC3339Nano, text)
		if err != nil {
			return token{}, badf("$filter", "at position %d: %q is not a DateTimeOffset such as 2026-01-02T03:04:05Z", pos, text)
		}
		t = t.UTC()
		if t.Year() < 1 || t.Year() > 9999 { // outside what RFC 3339 can print back
			return token{}, badf("$filter", "at position %d: %q is outside the years 0001 to 9999", pos, text)
		}
		return token{kind: tokDateTime, text: text, time: t, pos: pos}, nil
	}
	for j, c := range text {
		if !(c >= '0' && c <= '9' || c == '.' || (c == '-' && j == 0)) {
			return token{}, badf("$filter", "at position %d: %q is neither a number nor a DateTimeOffset such as 2026-01-02T03:04:05Z", pos, text)
		}
	}
	return token{kind: tokNumber, text: text, pos: pos}, nil
}

func (t token) String() string { return fmt.Sprintf("%d:%s", t.pos, t.text) }
