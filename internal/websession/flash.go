package websession

import (
	"net/http"
	"net/url"
)

// flashSeconds is how long a flash message waits for the next page.
const flashSeconds = 60

// SetFlash leaves a message for the next page (Post/Redirect/Get).
func (c Cookies) SetFlash(w http.ResponseWriter, msg string) {
	c.Set(w, CookieFlash, url.QueryEscape(msg), flashSeconds)
}

// TakeFlash reads the message the previous response left, once.
func (c Cookies) TakeFlash(w http.ResponseWriter, r *http.Request) string {
	v := c.Get(r, CookieFlash)
	if v == "" {
		return ""
	}
	c.Clear(w, CookieFlash)
	msg, err := url.QueryUnescape(v)
	if err != nil {
		return ""
	}
	return msg
}
