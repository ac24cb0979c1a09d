// Package auth holds argon2id password hashing. API tokens, browser
// sessions and e-mailed one-time passcodes are the directory service's
// (internal/directory: credentials.go, sessions.go, passcodes.go); the
// browser's cookies and CSRF tokens are internal/websession's.
package auth
