package webui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
)

// TestSignInLogsPageAndOverview signs in once rightly and once wrongly and
// reads both back on the Sign-in logs page and its chart, then checks the
// overview's counts against the directory's.
func TestSignInLogsPageAndOverview(t *testing.T) {
	s := newSite(t)
	admin := s.browser(t)
	admin.signIn(demo.ContosoAdminUPN, demo.ContosoAdminPass)
	s.clock.Advance(time.Minute)
	intruder := s.browser(t)
	intruder.get("/signin")
	p := intruder.post("/signin", url.Values{"username": {demo.ContosoAdminUPN}, "password": {"not the password"}})
	mustNot(t, p, "wrong password") // the reason is the admins', not the person's
	contoso := "/admin/" + s.demo.Contoso.ID

	logs := admin.get(contoso + "/signins")
	must(t, logs, http.StatusOK, "Sign-in logs", "<svg", `class="ok"`, `class="bad"`, "1 successful", "1 failed",
		"Failure 50126", "wrong password", demo.ContosoAdminUPN, "127.0.0.1")
	if i, j := strings.Index(logs.body, "Failure 50126"), strings.Index(logs.body, `<span class="tag ok">Success</span>`); i < 0 || j < 0 || i > j {
		t.Error("the failure, which is newer, is not listed first")
	}
	failures := admin.get(contoso + "/signins?result=failure")
	must(t, failures, http.StatusOK, "wrong password")
	mustNot(t, failures, `<span class="tag ok">Success</span>`)
	mine := admin.get(contoso + "/signins?result=success&user=" + url.QueryEscape(demo.ContosoAdminUPN))
	must(t, mine, http.StatusOK, `<span class="tag ok">Success</span>`)
	mustNot(t, mine, "wrong password")
	must(t, admin.get(contoso+"/signins?from=yesterday"), http.StatusBadRequest, "The From date &#34;yesterday&#34; is not a date")
	must(t, admin.get(contoso+"/signins?result=maybe"), http.StatusBadRequest, "is not one of success or failure")
	mustNot(t, admin.get(contoso+"/signins?user=%3Cscript%3E"), "<script>")

	// The overview says what the directory counts.
	ctx := directory.WithActor(context.Background(), directory.UserActor(s.demo.Contoso.ID, s.demo.ContosoAdmin.ID))
	v, err := s.svc.Overview(ctx, s.demo.Contoso.ID)
	if err != nil {
		t.Fatal(err)
	}
	must(t, admin.get(contoso), http.StatusOK, "Overview",
		fmt.Sprintf("<strong>%d</strong> members", v.Members), fmt.Sprintf("<strong>%d</strong> guests", v.Guests),
		fmt.Sprintf("<strong>%d</strong> pending invitations", v.PendingInvitations),
		fmt.Sprintf("<strong>%d</strong> deleted users", v.Deleted), "Sign-ins, last 7 days", "<svg")

	// Ada administers nothing: neither page is hers.
	ada := s.browser(t)
	ada.signIn(demo.AdaUPN, demo.AdaPassword)
	must(t, ada.get("/admin/"+s.demo.Fabrikam.ID+"/signins"), http.StatusForbidden)
	must(t, ada.get("/admin/"+s.demo.Fabrikam.ID), http.StatusForbidden)
}
