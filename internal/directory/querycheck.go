package directory

import (
	"slices"
	"strings"
)

// Checks of what a listing searches, filters and pages by. Nothing stored
// holds a character the text rule (text.go) refuses, so such a value can
// match nothing; it is refused with KindInvalid rather than sent to a store
// that might fail on it (PostgreSQL cannot compare text with NUL in it).

// UserSearchProperties are the properties UserQuery.SearchIn may name.
var UserSearchProperties = []string{"displayName", "mail", "userPrincipalName"}

func validUserQuery(q UserQuery) error {
	if q.SearchIn != "" && !slices.Contains(UserSearchProperties, q.SearchIn) {
		return Invalidf("search", "search cannot look in %q; only in %s", q.SearchIn, strings.Join(UserSearchProperties, ", "))
	}
	if err := validText("search", q.Search); err != nil {
		return err
	}
	if err := validFilterText(q.Filter); err != nil {
		return err
	}
	if a := q.After; a != nil && (!plainText(a.ID) || !plainText(a.DisplayName)) {
		return badCursor()
	}
	return nil
}

func validGroupQuery(q GroupQuery) error {
	if err := validFilterText(q.Filter); err != nil {
		return err
	}
	if a := q.After; a != nil && (!plainText(a.ID) || !plainText(a.DisplayName)) {
		return badCursor()
	}
	return nil
}

func validAuditQuery(q AuditQuery) error {
	if err := validFilterText(q.Filter); err != nil {
		return err
	}
	if a := q.After; a != nil && !plainText(a.ID) {
		return badCursor()
	}
	return nil
}

func validPage(p Page) error {
	if !plainText(p.AfterID) {
		return badCursor()
	}
	return nil
}

func badCursor() error {
	return Invalidf("after", "the page position (after) is damaged; start from the first page")
}

// validFilterText applies the text rule to every string a filter compares
// with, naming the property compared.
func validFilterText(f Filter) error {
	switch f := f.(type) {
	case Compare:
		if s, ok := f.Value.(string); ok {
			return validText(f.Property, s)
		}
	case And:
		return firstErr(validFilterText(f.Left), validFilterText(f.Right))
	case Or:
		return firstErr(validFilterText(f.Left), validFilterText(f.Right))
	case Not:
		return validFilterText(f.X)
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
