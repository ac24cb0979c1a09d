package websession

import "testing"

func TestCSRF(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	tok := CSRFToken(secret, "session-1")
	if !CheckCSRF(secret, "session-1", tok) {
		t.Fatal("the session's own token must pass")
	}
	cases := map[string]struct {
		secret  []byte
		session string
		token   string
	}{
		"EmptyTokenRefused":       {secret, "session-1", ""},
		"OtherSessionRefused":     {secret, "session-2", tok},
		"OtherSecretRefused":      {[]byte("another secret of 32 bytes......"), "session-1", tok},
		"NoSecretRefused":         {nil, "session-1", CSRFToken(nil, "session-1")},
		"TamperedTokenRefused":    {secret, "session-1", tamper(tok)},
		"SessionIDAsTokenRefused": {secret, "session-1", "session-1"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if CheckCSRF(c.secret, c.session, c.token) {
				t.Fatalf("CheckCSRF accepted %q", c.token)
			}
		})
	}
}

// tamper changes the last character of s.
func tamper(s string) string {
	last := byte('A')
	if s[len(s)-1] == 'A' {
		last = 'B'
	}
	return s[:len(s)-1] + string(last)
}
