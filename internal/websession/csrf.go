package websession

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// CSRFToken derives the token that every state-changing form of a session
// carries: an HMAC of the session id under the session's own secret. It
// never leaves the server except inside the pages of that session, so a
// foreign site cannot forge it.
func CSRFToken(secret []byte, sessionID string) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("orgdir-csrf\x00" + sessionID))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// CheckCSRF reports whether token is the session's CSRF token, in constant
// time. An empty secret never matches.
func CheckCSRF(secret []byte, sessionID, token string) bool {
	if len(secret) == 0 || token == "" {
		return false
	}
	want := CSRFToken(secret, sessionID)
	return hmac.Equal([]byte(want), []byte(token))
}
