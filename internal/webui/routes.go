package webui

import (
	"io/fs"
	"net/http"
	"net/url"
)

// routes lists every page of the UI.
func (u *UI) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	mux.Handle("GET /{$}", u.page(false, u.home))

	// Sign-in, passcodes, sign-out.
	mux.Handle("GET /signin", u.page(false, u.signinPage))
	mux.Handle("POST /signin", u.page(false, u.signinPassword))
	mux.Handle("POST /signin/code", u.page(false, u.sendCode))
	mux.Handle("GET /signin/code", u.page(false, u.codePage))
	mux.Handle("POST /signin/code/verify", u.page(false, u.verifyCode))
	mux.Handle("POST /signout", u.page(false, u.signout))

	// My Account.
	mux.Handle("GET /myaccount", u.page(true, u.profile))
	mux.Handle("POST /myaccount/data", u.page(true, u.downloadData))
	mux.Handle("GET /myaccount/organizations", u.page(true, u.organizations))
	mux.Handle("POST /myaccount/organizations/{tenant}/signin", u.page(true, u.signInToTenant))
	mux.Handle("GET /myaccount/organizations/{tenant}/leave", u.page(true, u.leaveConfirm))
	mux.Handle("POST /myaccount/organizations/{tenant}/leave", u.page(true, u.leave))
	mux.Handle("GET /myaccount/organizations/left", u.page(true, u.leftPage))

	// Invitation redemption from the e-mailed link.
	mux.Handle("GET /redeem", u.page(false, u.redeemPage))
	mux.Handle("POST /redeem", u.page(true, u.redeem))

	// The admin portal of one tenant.
	mux.Handle("GET /admin", u.page(true, u.adminHome))
	mux.Handle("GET /admin/{tenant}", u.page(true, u.admin(u.adminIndex)))
	mux.Handle("GET /admin/{tenant}/users", u.page(true, u.admin(u.users)))
	mux.Handle("GET /admin/{tenant}/users/new", u.page(true, u.admin(u.newUserPage)))
	mux.Handle("POST /admin/{tenant}/users", u.page(true, u.admin(u.createUser)))
	mux.Handle("GET /admin/{tenant}/users/{user}", u.page(true, u.admin(u.userPage)))
	mux.Handle("POST /admin/{tenant}/users/{user}/enable", u.page(true, u.admin(u.enableUser)))
	mux.Handle("POST /admin/{tenant}/users/{user}/disable", u.page(true, u.admin(u.disableUser)))
	mux.Handle("GET /admin/{tenant}/users/{user}/delete", u.page(true, u.admin(u.deleteUserConfirm)))
	mux.Handle("POST /admin/{tenant}/users/{user}/delete", u.page(true, u.admin(u.deleteUser)))
	mux.Handle("POST /admin/{tenant}/users/{user}/password", u.page(true, u.admin(u.resetPassword)))
	mux.Handle("POST /admin/{tenant}/users/{user}/groups", u.page(true, u.admin(u.userAddGroup)))
	mux.Handle("POST /admin/{tenant}/users/{user}/groups/{group}/remove", u.page(true, u.admin(u.userRemoveGroup)))
	mux.Handle("POST /admin/{tenant}/users/{user}/approles", u.page(true, u.admin(u.userAssignRole)))
	mux.Handle("POST /admin/{tenant}/users/{user}/approles/{assignment}/remove", u.page(true, u.admin(u.userRemoveRole)))
	mux.Handle("GET /admin/{tenant}/invite", u.page(true, u.admin(u.invitePage)))
	mux.Handle("POST /admin/{tenant}/invite", u.page(true, u.admin(u.invite)))
	mux.Handle("GET /admin/{tenant}/deleted", u.page(true, u.admin(u.deletedUsers)))
	mux.Handle("POST /admin/{tenant}/deleted/restore", u.page(true, u.admin(u.restoreUser)))
	mux.Handle("POST /admin/{tenant}/deleted/purge", u.page(true, u.admin(u.purgeUsers)))
	mux.Handle("GET /admin/{tenant}/groups", u.page(true, u.admin(u.groups)))
	mux.Handle("POST /admin/{tenant}/groups", u.page(true, u.admin(u.createGroup)))
	mux.Handle("GET /admin/{tenant}/groups/{group}", u.page(true, u.admin(u.groupPage)))
	mux.Handle("POST /admin/{tenant}/groups/{group}/members", u.page(true, u.admin(u.groupAddMember)))
	mux.Handle("POST /admin/{tenant}/groups/{group}/members/{user}/remove", u.page(true, u.admin(u.groupRemoveMember)))
	mux.Handle("GET /admin/{tenant}/apps", u.page(true, u.admin(u.apps)))
	mux.Handle("POST /admin/{tenant}/apps", u.page(true, u.admin(u.createApp)))
	mux.Handle("GET /admin/{tenant}/apps/{app}", u.page(true, u.admin(u.appPage)))
	mux.Handle("POST /admin/{tenant}/apps/{app}/assign", u.page(true, u.admin(u.appAssign)))
	mux.Handle("GET /admin/{tenant}/settings", u.page(true, u.admin(u.settingsPage)))
	mux.Handle("POST /admin/{tenant}/settings", u.page(true, u.admin(u.saveSettings)))
	mux.Handle("GET /admin/{tenant}/audit", u.page(true, u.admin(u.auditLog)))
	mux.Handle("GET /admin/{tenant}/outbox", u.page(true, u.admin(u.outbox)))

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
