// Package auth holds what the web layer needs around credentials:
// argon2id password hashing, CSRF tokens and e-mailed one-time passcodes.
// API tokens and browser sessions are the directory service's (issued,
// checked and revoked in internal/directory, credentials.go and
// sessions.go).
package auth
