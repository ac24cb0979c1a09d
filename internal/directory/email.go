package directory

import (
	"fmt"
	"strings"
)

// The one rule for e-mail addresses, for every place an address enters:
// invitations, user mail, the privacy contact, passcode sign-in and e-mail
// identities. What one of them accepts, every other one accepts too, so a
// passcode is never sent to an address that sign-in then refuses.
//
// An address is local@domain, at most 254 characters (RFC 5321's limit on
// a path), where
//   - local is 1 to 64 characters of RFC 5322's dot-atom: letters, digits
//     and !#$%&'*+-/=?^_`{|}~, with dots between them but not first, last
//     or twice in a row (no quoted strings: few mail systems take them);
//   - domain is a DNS name of at least two labels, each 1 to 63 letters,
//     digits and inner hyphens, whose last label is not all digits (no IP
//     addresses, literal or not).
//
// Only ASCII is accepted: an internationalized domain is given in its
// xn-- form, and non-ASCII local parts (SMTPUTF8) are refused, since not
// every mail server on the way can deliver them. Nothing is trimmed: white
// space anywhere is refused, as are display names and angle brackets
// ("Ada <ada@example.com>").

const (
	maxEmail      = 254
	maxEmailLocal = 64
)

// atextSpecials are the characters besides letters and digits that a
// dot-atom's atoms may hold.
const atextSpecials = "!#$%&'*+-/=?^_`{|}~"

// ValidateEmail checks addr against orgdir's rule for e-mail addresses and
// returns it as it was given; field names it in the KindInvalid error.
// Addresses compare case-insensitively everywhere in orgdir.
func ValidateEmail(field, addr string) (string, error) {
	if addr == "" {
		return "", Invalidf(field, "%s must be an e-mail address, not empty", field)
	}
	if len(addr) > maxEmail {
		return "", Invalidf(field, "%s is not an e-mail address: it is longer than %d characters", field, maxEmail)
	}
	for _, r := range addr {
		switch {
		case r <= ' ' || r == 0x7f:
			return "", Invalidf(field, "%s %q is not an e-mail address: it holds white space or a control character", field, addr)
		case r > 0x7f:
			return "", Invalidf(field, "%s %q is not an e-mail address: only ASCII characters are accepted (give an international domain in its xn-- form)", field, addr)
		}
	}
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return "", Invalidf(field, "%s %q is not an e-mail address: it has no @", field, addr)
	}
	local, domain := addr[:at], addr[at+1:]
	if msg := emailLocalProblem(local); msg != "" {
		return "", Invalidf(field, "%s %q is not an e-mail address: %s", field, addr, msg)
	}
	if err := validDomainSyntax(strings.ToLower(domain)); err != nil {
		return "", Invalidf(field, "%s %q is not an e-mail address: the domain after the @, such as example.com, is not valid (%s)", field, addr, err.Message)
	}
	return addr, nil
}

// emailLocalProblem says what is wrong with the part before the @, or "".
func emailLocalProblem(local string) string {
	switch {
	case local == "":
		return "nothing comes before the @"
	case len(local) > maxEmailLocal:
		return "the part before the @ is longer than 64 characters"
	case local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, ".."):
		return "dots must not start, end or repeat in the part before the @"
	}
	for _, r := range local {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || strings.ContainsRune(atextSpecials, r)) {
			return fmt.Sprintf("character %q is not allowed before the @", r)
		}
	}
	return ""
}
