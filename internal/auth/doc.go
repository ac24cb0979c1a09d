// Package auth holds argon2id password hashing and e-mailed one-time
// passcodes. API tokens and browser sessions are the directory service's
// (internal/directory: credentials.go, sessions.go); the browser's cookies
// and CSRF tokens are internal/websession's.
package auth
