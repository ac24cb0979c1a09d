package webui

import (
	"io/fs"
	"net/http"
	"net/url"

	"github.com/orgdir/orgdir/internal/httpx"
)

// route is one page of the UI: a method pattern and its handler.
type route struct {
	pattern string
	h       http.Handler
}

// routeTable lists every page of the UI. Each goes through page(), which checks
// the session and, on POST, the CSRF token; a test posts to every POST
// route here without a token and expects a refusal.
func (u *UI) routeTable() []route {
	return []route{
		{"GET /{$}", u.page(false, u.home)},

		// Sign-in, passcodes, sign-out.
		{"GET /signin", u.page(false, u.signinPage)},
		{"POST /signin", u.page(false, u.signinPassword)},
		{"POST /signin/code", u.page(false, u.sendCode)},
		{"GET /signin/code", u.page(false, u.codePage)},
		{"POST /signin/code/verify", u.page(false, u.verifyCode)},
		{"POST /signout", u.page(false, u.signout)},

		// My Apps and My Account.
		{"GET /myapps", u.page(true, u.myApps)},
		{"GET /myaccount", u.page(true, u.profile)},
		{"POST /myaccount/data", u.page(true, u.downloadData)},
		{"GET /myaccount/organizations", u.page(true, u.organizations)},
		{"POST /myaccount/organizations/{tenant}/signin", u.page(true, u.signInToTenant)},
		{"GET /myaccount/organizations/{tenant}/leave", u.page(true, u.leaveConfirm)},
		{"POST /myaccount/organizations/{tenant}/leave", u.page(true, u.leave)},
		{"GET /myaccount/organizations/left", u.page(true, u.leftPage)},

		// Invitation redemption from the e-mailed link.
		{"GET /redeem", u.page(false, u.redeemPage)},
		{"POST /redeem", u.page(true, u.redeem)},

		// The admin portal of one tenant.
		{"GET /admin", u.page(true, u.adminHome)},
		{"GET /admin/{tenant}", u.page(true, u.admin(u.overview))},
		{"GET /admin/{tenant}/users", u.page(true, u.admin(u.users))},
		{"POST /admin/{tenant}/users/bulk", u.page(true, u.admin(u.bulkCreate))},
		{"GET /admin/{tenant}/bulk/{job}", u.page(true, u.admin(u.bulkJob))},
		{"GET /admin/{tenant}/bulk/{job}/result", u.page(true, u.admin(u.bulkResult))},
		{"GET /admin/{tenant}/users/new", u.page(true, u.admin(u.newUserPage))},
		{"POST /admin/{tenant}/users", u.page(true, u.admin(u.createUser))},
		{"GET /admin/{tenant}/users/{user}", u.page(true, u.admin(u.userPage))},
		{"POST /admin/{tenant}/users/{user}/enable", u.page(true, u.admin(u.enableUser))},
		{"POST /admin/{tenant}/users/{user}/disable", u.page(true, u.admin(u.disableUser))},
		{"POST /admin/{tenant}/users/{user}/revoke-sessions", u.page(true, u.admin(u.revokeSessions))},
		{"GET /admin/{tenant}/users/{user}/delete", u.page(true, u.admin(u.deleteUserConfirm))},
		{"POST /admin/{tenant}/users/{user}/delete", u.page(true, u.admin(u.deleteUser))},
		{"POST /admin/{tenant}/users/{user}/export", u.page(true, u.admin(u.exportUserData))},
		{"GET /admin/{tenant}/users/{user}/erase", u.page(true, u.admin(u.eraseUserConfirm))},
		{"POST /admin/{tenant}/users/{user}/erase", u.page(true, u.admin(u.eraseUser))},
		{"POST /admin/{tenant}/users/{user}/password", u.page(true, u.admin(u.resetPassword))},
		{"POST /admin/{tenant}/users/{user}/groups", u.page(true, u.admin(u.userAddGroup))},
		{"POST /admin/{tenant}/users/{user}/groups/{group}/remove", u.page(true, u.admin(u.userRemoveGroup))},
		{"POST /admin/{tenant}/users/{user}/approles", u.page(true, u.admin(u.userAssignRole))},
		{"POST /admin/{tenant}/users/{user}/approles/{assignment}/remove", u.page(true, u.admin(u.userRemoveRole))},
		{"GET /admin/{tenant}/invite", u.page(true, u.admin(u.invitePage))},
		{"POST /admin/{tenant}/invite", u.page(true, u.admin(u.invite))},
		{"POST /admin/{tenant}/invite/bulk", u.page(true, u.admin(u.bulkInvite))},
		{"GET /admin/{tenant}/deleted", u.page(true, u.admin(u.deletedUsers))},
		{"POST /admin/{tenant}/deleted/restore", u.page(true, u.admin(u.restoreUser))},
		{"POST /admin/{tenant}/deleted/purge", u.page(true, u.admin(u.purgeUsers))},
		{"GET /admin/{tenant}/groups", u.page(true, u.admin(u.groups))},
		{"POST /admin/{tenant}/groups", u.page(true, u.admin(u.createGroup))},
		{"GET /admin/{tenant}/groups/{group}", u.page(true, u.admin(u.groupPage))},
		{"POST /admin/{tenant}/groups/{group}/members", u.page(true, u.admin(u.groupAddMember))},
		{"POST /admin/{tenant}/groups/{group}/members/{user}/remove", u.page(true, u.admin(u.groupRemoveMember))},
		{"GET /admin/{tenant}/apps", u.page(true, u.admin(u.apps))},
		{"POST /admin/{tenant}/apps", u.page(true, u.admin(u.createApp))},
		{"GET /admin/{tenant}/apps/{app}", u.page(true, u.admin(u.appPage))},
		{"POST /admin/{tenant}/apps/{app}/assign", u.page(true, u.admin(u.appAssign))},
		{"POST /admin/{tenant}/apps/{app}/redirect-uris", u.page(true, u.admin(u.appAddRedirectURI))},
		{"POST /admin/{tenant}/apps/{app}/redirect-uris/remove", u.page(true, u.admin(u.appRemoveRedirectURI))},
		{"POST /admin/{tenant}/apps/{app}/home-page", u.page(true, u.admin(u.appSetHomePage))},
		{"POST /admin/{tenant}/apps/{app}/assignment-required", u.page(true, u.admin(u.appSetAssignmentRequired))},
		{"POST /admin/{tenant}/apps/{app}/secrets", u.page(true, u.admin(u.appAddSecret))},
		{"POST /admin/{tenant}/apps/{app}/secrets/{key}/remove", u.page(true, u.admin(u.appRemoveSecret))},
		{"GET /admin/{tenant}/settings", u.page(true, u.admin(u.settingsPage))},
		{"POST /admin/{tenant}/settings", u.page(true, u.admin(u.saveSettings))},
		{"GET /admin/{tenant}/audit", u.page(true, u.admin(u.auditLog))},
		{"GET /admin/{tenant}/signins", u.page(true, u.admin(u.signIns))},
		{"GET /admin/{tenant}/outbox", u.page(true, u.admin(u.outbox))},
		{"GET /admin/{tenant}/subscriptions", u.page(true, u.admin(u.subscriptions))},
		{"GET /admin/{tenant}/subscriptions/{sub}/delete", u.page(true, u.admin(u.deleteSubscriptionConfirm))},
		{"POST /admin/{tenant}/subscriptions/{sub}/delete", u.page(true, u.admin(u.deleteSubscription))},
	}
}

// routes serves the pages, the static files and a 404 page for the rest.
func (u *UI) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", httpx.Route("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static)))))
	for _, rt := range u.routeTable() {
		mux.Handle(rt.pattern, httpx.Route(rt.pattern, rt.h))
	}
	mux.Handle("/", u.page(false, func(w http.ResponseWriter, r *http.Request) error {
		return notFoundPage
	}))
	return mux
}

// cacheStatic lets browsers keep the stylesheet and script for a day.
func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		h.ServeHTTP(w, r)
	})
}

func urlQuery(s string) string { return url.QueryEscape(s) }
