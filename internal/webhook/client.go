package webhook

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// ErrPrivateAddress is a notification URL whose host is (or resolves to)
// a loopback, private, link-local or otherwise internal address.
var ErrPrivateAddress = errors.New("the address is loopback, private or link-local; orgdir sends notifications to public addresses only")

// cgnat is the shared address space of carrier-grade NAT (RFC 6598).
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// internal reports whether ip is an address a server must not be made to
// call on behalf of a tenant's app: its own machine or network.
func internal(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() || cgnat.Contains(ip)
}

// NewClient returns the client notifications go out with: no proxy (the
// request goes to the registered host, which the guard checks), no
// redirects followed (a 3xx is a failed delivery), and, unless
// allowPrivate, no connection to an internal address. The guard checks
// the address actually dialled, after DNS, so a name that resolves to
// 127.0.0.1 is refused as 127.0.0.1 is.
func NewClient(allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if !allowPrivate {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || internal(ap.Addr()) {
				return ErrPrivateAddress
			}
			return nil
		}
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           d.DialContext,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: 10 * time.Second,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       90 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// checkURL refuses what the client must not call: a URL that is not
// https (http only with allowPrivate, for tests and local receivers), or
// whose host is an internal address literal.
func checkURL(raw string, allowPrivate bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", raw)
	}
	if u.Scheme != "https" && !(allowPrivate && u.Scheme == "http") {
		return fmt.Errorf("the notification URL must be https, not %s", u.Scheme)
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil && !allowPrivate && internal(ip) {
		return ErrPrivateAddress
	}
	return nil
}

// reason is err as a receiver's administrator can act on it.
func reason(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, ErrPrivateAddress):
		return ErrPrivateAddress.Error()
	case errors.As(err, &ne) && ne.Timeout():
		return "the notification URL did not answer in time"
	}
	return err.Error()
}
