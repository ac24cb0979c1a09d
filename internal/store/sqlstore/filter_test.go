package sqlstore

import (
	"maps"
	"slices"
	"testing"
)

// The domain declares which properties each listing filters on; the store
// must have a column for each of them and for nothing else, or a $filter the
// API accepts would fail in the store (or the reverse).
func TestFilterColumnsMatchTheDomain(t *testing.T) {
	for name, f := range map[string]filterable{"users": userProps, "groups": groupProps, "audit": auditProps, "signIns": signInProps} {
		declared := slices.Sorted(maps.Keys(f.props))
		mapped := slices.Sorted(maps.Keys(f.columns))
		if !slices.Equal(declared, mapped) {
			t.Errorf("%s: the domain declares %v, the store maps %v", name, declared, mapped)
		}
	}
}
