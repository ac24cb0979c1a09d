package directory

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// The rule for characters in text, for every text field orgdir stores or
// searches by. PostgreSQL refuses NUL and malformed UTF-8 in text where
// SQLite keeps them, so without one rule the same request would succeed on
// one store and fail on the other; and control and bidirectional
// formatting characters let a name show as something it is not (U+202E
// turns "gpj.exe" into "exe.jpg" on screen).
//
// Refused everywhere: malformed UTF-8; every control character (Unicode
// category Cc: U+0000–U+001F and U+007F–U+009F); the bidirectional
// formatting characters U+061C, U+200E, U+200F, U+202A–U+202E and
// U+2066–U+2069; the line and paragraph separators U+2028 and U+2029; and
// U+FEFF (the byte order mark, invisible inside text). A multi-line field
// (an invitation's message) may hold line feeds, carriage returns and tabs.

// textProblem says what is wrong with s under the rule, or "".
func textProblem(s string, multiline bool) string {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return "is not valid UTF-8 text"
			}
		}
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if forbiddenRune(r) {
			return fmt.Sprintf("must not contain the control or formatting character %U", r)
		}
	}
	return ""
}

func forbiddenRune(r rune) bool {
	switch {
	case unicode.Is(unicode.Cc, r):
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f,
		r >= 0x202a && r <= 0x202e,
		r >= 0x2066 && r <= 0x2069,
		r == 0x2028, r == 0x2029, r == 0xfeff:
		return true
	}
	return false
}

// validText checks that s, a single-line field, holds no character the
// rule refuses.
func validText(field, s string) error {
	if p := textProblem(s, false); p != "" {
		return Invalidf(field, "%s %s", field, p)
	}
	return nil
}

// validMultilineText is validText for a field that may hold line breaks
// and tabs.
func validMultilineText(field, s string) error {
	if p := textProblem(s, true); p != "" {
		return Invalidf(field, "%s %s", field, p)
	}
	return nil
}

// plainText reports whether s passes the single-line rule, for lookups,
// where text the rule refuses cannot name anything stored.
func plainText(s string) bool { return textProblem(s, false) == "" }
