package webui

import (
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// TestEveryErrorKindHasAPage walks every kind of the domain: a new kind
// without a row in kindPages would show "Something went wrong".
func TestEveryErrorKindHasAPage(t *testing.T) {
	for _, k := range directory.Kinds() {
		kp, ok := kindPages[k]
		if k == directory.KindInternal {
			if ok {
				t.Error("KindInternal must fall to the generic page")
			}
			continue
		}
		if !ok || kp.status == 0 || kp.heading == "" {
			t.Errorf("error kind %s has no page in kindPages", k)
		}
	}
}
