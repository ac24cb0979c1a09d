package directory

import "github.com/google/uuid"

// NewID returns a random UUID string, the id of every object.
func NewID() string { return uuid.NewString() }

// ValidID reports whether s is a well-formed UUID.
func ValidID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}
