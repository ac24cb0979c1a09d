package directory_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryAuditAppendAlsoLogsTheChange holds the domain to one way of
// writing audit records, appendAudits, which also writes the change log:
// a new operation cannot audit a change and forget its notification.
func TestEveryAuditAppendAlsoLogsTheChange(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "changelog.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, ".AppendAudit(") || strings.Contains(line, ".AppendAudits(") {
				t.Errorf("%s:%d appends audit records itself; call appendAudits (o.audit) so the change log gets them too", f, i+1)
			}
		}
	}
}
