package directory

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// Input validation. Every check returns KindInvalid naming the field, and
// runs before anything is written, so bad input changes nothing.

const (
	maxDisplayName = 256
	maxURL         = 255
	maxDomain      = 253
	maxUPNLocal    = 64
	maxDescription = 1024
	maxMessageBody = 10000
	minPassword    = 8
	maxPassword    = 256
)

// validDisplayName trims s and checks it is 1 to 256 characters of text
// (text.go).
func validDisplayName(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalidf(field, "%s must not be empty", field)
	}
	if utf8.RuneCountInString(s) > maxDisplayName {
		return "", Invalidf(field, "%s must be at most %d characters", field, maxDisplayName)
	}
	return checkedText(s, validText(field, s))
}

// validDomain checks a DNS domain (lower-cased first): labels of letters,
// digits and inner hyphens, at least one dot, at most 253 characters.
func validDomain(field, s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if err := validDomainSyntax(s); err != nil {
		return "", Invalidf(field, "%s %q is not a valid domain: %s", field, s, err.Message)
	}
	return s, nil
}

func validDomainSyntax(s string) *Error {
	if s == "" {
		return Errorf(KindInvalid, "empty")
	}
	if len(s) > maxDomain {
		return Errorf(KindInvalid, "longer than %d characters", maxDomain)
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return Errorf(KindInvalid, "needs at least one dot")
	}
	if tld := labels[len(labels)-1]; strings.Trim(tld, "0123456789") == "" && tld != "" {
		// 192.168.0.1 is an address, not a name.
		return Errorf(KindInvalid, "the last label must not be all digits")
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return Errorf(KindInvalid, "each label must be 1 to 63 characters")
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return Errorf(KindInvalid, "a label must not start or end with a hyphen")
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return Errorf(KindInvalid, "only letters, digits, hyphens and dots are allowed")
			}
		}
	}
	return nil
}

// validMemberUPN checks a member's userPrincipalName: local@domain where
// domain is the tenant's initial domain.
func validMemberUPN(field, s, tenantDomain string) (string, error) {
	s = strings.TrimSpace(s)
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" {
		return "", Invalidf(field, "%s %q must look like name@%s", field, s, tenantDomain)
	}
	if !strings.EqualFold(domain, tenantDomain) {
		return "", Invalidf(field, "%s %q must end in @%s, the organization's domain", field, s, tenantDomain)
	}
	if err := validUPNLocal(local, false); err != nil {
		return "", Invalidf(field, "%s %q: %s", field, s, err.Message)
	}
	return local + "@" + strings.ToLower(domain), nil
}

// validGuestUPN accepts a member-style UPN or the external form
// local#EXT#@domain used for invited users.
func validGuestUPN(field, s, tenantDomain string) (string, error) {
	s = strings.TrimSpace(s)
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return "", Invalidf(field, "%s %q must look like name#EXT#@%s", field, s, tenantDomain)
	}
	local, domain := s[:at], s[at+1:]
	if !strings.EqualFold(domain, tenantDomain) {
		return "", Invalidf(field, "%s %q must end in @%s, the organization's domain", field, s, tenantDomain)
	}
	if err := validUPNLocal(local, true); err != nil {
		return "", Invalidf(field, "%s %q: %s", field, s, err.Message)
	}
	return local + "@" + strings.ToLower(domain), nil
}

func validUPNLocal(local string, external bool) *Error {
	if external {
		if base, ok := strings.CutSuffix(local, "#EXT#"); ok {
			local = base
		}
	}
	if local == "" || len(local) > maxUPNLocal+maxEmail {
		return Errorf(KindInvalid, "the part before @ has a bad length")
	}
	if !external && len(local) > maxUPNLocal {
		return Errorf(KindInvalid, "the part before @ must be at most %d characters", maxUPNLocal)
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return Errorf(KindInvalid, "dots must not start, end or repeat in the part before @")
	}
	// '#' only in the external form, so a member's name never passes for
	// a guest's.
	allowed := ".-_'+!$%&*/=?^`{|}~"
	if external {
		allowed += "#"
	}
	for _, r := range local {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(allowed, r)) {
			return Errorf(KindInvalid, "character %q is not allowed before @", r)
		}
	}
	return nil
}

// isPlausibleUPN tells a UPN from a malformed id in idOrUPN arguments.
func isPlausibleUPN(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-1 && len(s) <= maxUPNLocal+maxEmail+maxDomain && plainText(s)
}

// validHTTPURL checks an absolute http or https URL of at most 255 characters.
func validHTTPURL(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) > maxURL {
		return "", Invalidf(field, "%s must be at most %d characters", field, maxURL)
	}
	if err := validText(field, s); err != nil {
		return "", err
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", Invalidf(field, "%s %q must be an absolute http or https URL", field, s)
	}
	return s, nil
}

func validRetention(field string, days int) error {
	if days < MinRetentionDays || days > MaxRetentionDays {
		return Invalidf(field, "%s must be between %d and %d days, not %d", field, MinRetentionDays, MaxRetentionDays, days)
	}
	return nil
}

func validLimit(field string, n int) error {
	if n < 0 || n > MaxPageSize {
		return Invalidf(field, "%s must be between 1 and %d, not %d", field, MaxPageSize, n)
	}
	return nil
}

func validPassword(field, p string) error {
	n := utf8.RuneCountInString(p)
	if n < minPassword || n > maxPassword {
		return Invalidf(field, "%s must be %d to %d characters", field, minPassword, maxPassword)
	}
	return nil
}

// validOptionalLen trims s and checks it is at most max characters of
// single-line text (text.go).
func validOptionalLen(field, s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		return "", Invalidf(field, "%s must be at most %d characters", field, max)
	}
	return checkedText(s, validText(field, s))
}

// validOptionalMultiline is validOptionalLen for text that may span lines.
func validOptionalMultiline(field, s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		return "", Invalidf(field, "%s must be at most %d characters", field, max)
	}
	return checkedText(s, validMultilineText(field, s))
}

// checkedText is s when the text rule passed it, "" with the refusal
// otherwise.
func checkedText(s string, err error) (string, error) {
	if err != nil {
		return "", err
	}
	return s, nil
}
