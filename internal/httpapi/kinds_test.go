package httpapi

import (
	"net/http"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// TestEveryErrorKindHasAnAnswer walks every kind of the domain: a new kind
// without a row in kindAnswers would be a 500 to the client.
func TestEveryErrorKindHasAnAnswer(t *testing.T) {
	for _, k := range directory.Kinds() {
		status, code, _, _, _ := classify(directory.Errorf(k, "x"))
		if k == directory.KindInternal {
			if status != http.StatusInternalServerError {
				t.Errorf("%s answers %d, want 500", k, status)
			}
			continue
		}
		if _, ok := kindAnswers[k]; !ok || status >= 500 || code == "" {
			t.Errorf("error kind %s has no answer in kindAnswers (got %d %q)", k, status, code)
		}
	}
}
