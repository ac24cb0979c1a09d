// Package auth holds orgdir's credentials: argon2id password hashes, API
// bearer tokens, browser sessions and e-mailed one-time passcodes. Secrets
// are random and stored only as hashes; the store is the domain's.
package auth
