package websession

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCookiesOverHTTPSAreHostOnlySecureAndHTTPOnly(t *testing.T) {
	for _, secure := range []bool{false, true} {
		c := Cookies{Secure: secure}
		rec := httptest.NewRecorder()
		c.Set(rec, CookieSession, "v", 0)
		got := rec.Header().Get("Set-Cookie")
		wantName := CookieSession + "="
		if secure {
			wantName = "__Host-" + wantName
		}
		if !strings.HasPrefix(got, wantName) || !strings.Contains(got, "HttpOnly") || !strings.Contains(got, "SameSite=Lax") ||
			!strings.Contains(got, "Path=/") || strings.Contains(got, "Domain=") || strings.Contains(got, "Secure") != secure {
			t.Errorf("secure=%v: Set-Cookie %q", secure, got)
		}
	}
}

func TestFlashIsReadOnce(t *testing.T) {
	c := Cookies{}
	rec := httptest.NewRecorder()
	c.SetFlash(rec, "Saved the settings; 100% done.")
	req := httptest.NewRequest("GET", "/", nil)
	for _, k := range rec.Result().Cookies() {
		req.AddCookie(k)
	}
	rec2 := httptest.NewRecorder()
	if got := c.TakeFlash(rec2, req); got != "Saved the settings; 100% done." {
		t.Fatalf("flash = %q", got)
	}
	cleared := false
	for _, k := range rec2.Result().Cookies() {
		cleared = cleared || (k.Name == CookieFlash && k.MaxAge < 0)
	}
	if !cleared {
		t.Fatal("taking the flash does not clear its cookie")
	}
	if got := c.TakeFlash(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil)); got != "" {
		t.Fatalf("no cookie gives flash %q", got)
	}
}
