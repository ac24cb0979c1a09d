package webui

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
)

// upload posts a multipart form with file as its "file" field and the
// CSRF token of the last page (unless csrf is false).
func (b *browser) upload(path, file string, csrf bool) page {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if csrf {
		_ = mw.WriteField("csrf", b.csrf)
	}
	fw, _ := mw.CreateFormFile("file", "bulk.csv")
	_, _ = io.WriteString(fw, file)
	_ = mw.Close()
	return b.read(b.c.Post(b.s.srv.URL+path, mw.FormDataContentType(), &body))
}

// waitForJob reloads the progress page at path until the job ends.
func (b *browser) waitForJob(path string) page {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		p := b.get(path)
		if !strings.Contains(p.body, `http-equiv="refresh"`) {
			return p
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("the job at %s did not end:\n%s", path, p.body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

const bulkCreateCSV = "version:v1.0\n" +
	"Name [displayName] Required,User name [userPrincipalName] Required,Initial password [passwordProfile] Required,Block sign in (Yes/No) [accountEnabled] Required\n" +
	"Pia Bulk,pia@contoso.example,Pia-password-2026,No\n" +
	"Far Away,far@elsewhere.example,,No\n" +
	"Rex Bulk,rex@contoso.example,,Maybe\n" +
	"Sol Bulk,sol@contoso.example,,Yes\n"

var jobPath = regexp.MustCompile(`^/admin/[0-9a-f-]{36}/bulk/[0-9a-f-]{36}$`)

// TestBulkCreateUploadProgressResult: the Users page's upload starts a
// job and lands on its progress page, which refreshes itself while the
// job runs; when it ends it shows the counts and links the result CSV,
// one line per row, done or the reason.
func TestBulkCreateUploadProgressResult(t *testing.T) {
	s := newSite(t)
	tid := s.demo.Contoso.ID
	admin := s.admin(t)
	must(t, admin.get("/admin/"+tid+"/users"), http.StatusOK, `action="/admin/`+tid+`/users/bulk" enctype="multipart/form-data"`)
	p := admin.upload("/admin/"+tid+"/users/bulk", bulkCreateCSV, true)
	must(t, p, http.StatusOK, "Started the bulk create of 4 rows.")
	if !jobPath.MatchString(p.url) {
		t.Fatalf("the upload ended at %s, not a progress page", p.url)
	}
	p = admin.waitForJob(p.url)
	must(t, p, http.StatusOK, "Finished", `<dd id="bulk-done">2</dd>`, `<dd id="bulk-failed">2</dd>`, `<dd id="bulk-total">4</dd>`, "Download the result CSV")
	resp, err := admin.c.Get(s.srv.URL + p.url + "/result")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	csv, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("result: %d %v", resp.StatusCode, resp.Header)
	}
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines) != 5 || lines[1] != "3,pia@contoso.example,done" || strings.HasSuffix(lines[2], ",done") ||
		!strings.Contains(lines[3], "Block sign in must be Yes or No") || lines[4] != "6,sol@contoso.example,done" {
		t.Errorf("result CSV:\n%s", csv)
	}
	users := admin.get("/admin/" + tid + "/users?q=bulk")
	must(t, users, http.StatusOK, "Pia Bulk", "Sol Bulk")
	mustNot(t, users, "Rex Bulk")
	// Another tenant's administrator does not see the job.
	other := s.browser(t)
	other.signIn(demo.FabrikamAdminUPN, demo.FabrikamAdminPass)
	if q := other.get(p.url); q.status != http.StatusNotFound && q.status != http.StatusForbidden {
		t.Errorf("Fabrikam's administrator opened Contoso's job: %d", q.status)
	}
}

// TestBulkInviteUploadProgressResult is the same for the invite page.
func TestBulkInviteUploadProgressResult(t *testing.T) {
	s := newSite(t)
	tid := s.demo.Contoso.ID
	admin := s.admin(t)
	admin.get("/admin/" + tid + "/invite")
	p := admin.upload("/admin/"+tid+"/invite/bulk", "version:v1.0\n"+
		"Email address to invite [inviteeEmail] Required,Redirection url [inviteRedirectURL] Required,Send invitation message (true or false) [sendEmail],Customized invitation message [customizedMessageBody]\n"+
		"kai@partner.example,https://apps.example/,true,Welcome\nnot-an-address,,,\n", true)
	must(t, p, http.StatusOK, "Started the bulk invite of 2 rows.")
	p = admin.waitForJob(p.url)
	must(t, p, http.StatusOK, "Bulk invite", `<dd id="bulk-done">1</dd>`, `<dd id="bulk-failed">1</dd>`)
	must(t, admin.get("/admin/"+tid+"/outbox"), http.StatusOK, "kai@partner.example")
}

// TestBulkUploadNeedsCSRFAndAFile: a multipart form is held to the CSRF
// check like any other, and a file that is not a bulk file starts nothing.
func TestBulkUploadNeedsCSRFAndAFile(t *testing.T) {
	s := newSite(t)
	tid := s.demo.Contoso.ID
	admin := s.admin(t)
	before := s.snapshot(t)
	admin.get("/admin/" + tid + "/users")
	must(t, admin.upload("/admin/"+tid+"/users/bulk", bulkCreateCSV, false), http.StatusForbidden, "Request refused")
	admin.get("/admin/" + tid + "/users")
	must(t, admin.upload("/admin/"+tid+"/users/bulk", "name,mail\nA,a@contoso.example\n", true), http.StatusBadRequest, "no displayName column")
	if after := s.snapshot(t); after != before {
		t.Fatalf("a refused upload changed the directory:\nbefore %s\nafter  %s", before, after)
	}
}

// TestBulkJobThatStoppedMovingSaysSo: a running job whose instance went
// away (here: one never run) stops refreshing after BulkStallAfter and
// says what to do.
func TestBulkJobThatStoppedMovingSaysSo(t *testing.T) {
	s := newSite(t)
	tid := s.demo.Contoso.ID
	job, err := s.svc.StartBulkJob(s.system(), tid, directory.BulkCreateUsers, 10)
	if err != nil {
		t.Fatal(err)
	}
	admin := s.admin(t)
	path := "/admin/" + tid + "/bulk/" + job.ID
	must(t, admin.get(path), http.StatusOK, `http-equiv="refresh"`, "Running")
	s.clock.Advance(directory.BulkStallAfter + time.Minute)
	p := admin.get(path)
	must(t, p, http.StatusOK, "the instance running this job may have stopped")
	mustNot(t, p, `http-equiv="refresh"`)
}
