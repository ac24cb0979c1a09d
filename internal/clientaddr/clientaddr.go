// Package clientaddr tells the address of the client a request came from:
// the connection's peer, or, when that peer is a trusted reverse proxy,
// the address the proxies recorded in X-Forwarded-For. The sign-in
// throttle counts by it, so it must not be one a client can choose.
package clientaddr

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the networks of the reverse proxies whose X-Forwarded-For
// is believed. The zero value trusts none: the peer is the client.
type Proxies struct {
	nets []netip.Prefix
}

// Parse reads a comma-separated list of CIDR networks (10.0.0.0/8,
// fd00::/8) or single addresses (192.168.1.1). An empty list trusts none.
func Parse(list string) (Proxies, error) {
	var p Proxies
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if !strings.Contains(item, "/") {
			a, err := netip.ParseAddr(item)
			if err != nil {
				return Proxies{}, fmt.Errorf("%q is neither a network in CIDR notation (10.0.0.0/8) nor an IP address", item)
			}
			a = a.Unmap().WithZone("")
			p.nets = append(p.nets, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		n, err := netip.ParsePrefix(item)
		if err != nil {
			return Proxies{}, fmt.Errorf("%q is neither a network in CIDR notation (10.0.0.0/8) nor an IP address", item)
		}
		if n != n.Masked() {
			// 10.0.0.1/8: a typo for /32 or for 10.0.0.0/8? Do not guess.
			return Proxies{}, fmt.Errorf("%q has bits set beyond its prefix length; write %s, or the single address", item, n.Masked())
		}
		if n.Addr().Is4In6() && n.Bits() >= 96 {
			n = netip.PrefixFrom(n.Addr().Unmap(), n.Bits()-96)
		}
		p.nets = append(p.nets, n)
	}
	return p, nil
}

// String lists the networks, comma-separated.
func (p Proxies) String() string {
	s := make([]string, len(p.nets))
	for i, n := range p.nets {
		s[i] = n.String()
	}
	return strings.Join(s, ",")
}

func (p Proxies) trusted(a netip.Addr) bool {
	for _, n := range p.nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// Of returns the client address of r. The peer (RemoteAddr) is the client
// unless it is a trusted proxy; then X-Forwarded-For is read from the
// right, skipping the trusted proxies that appended to it, and the first
// address that is not one is the client (as nginx's real_ip_recursive
// does). An entry that is not an address ends the walk: what stands left
// of it cannot be told from what the client wrote, so the last trusted hop
// counts as the client. When every entry is a trusted proxy, the leftmost
// is the client.
func (p Proxies) Of(r *http.Request) string {
	peer, ok := parse(r.RemoteAddr)
	if !ok {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			return r.RemoteAddr
		}
		return host
	}
	if len(p.nets) == 0 || !p.trusted(peer) {
		return peer.String()
	}
	hops := forwardedFor(r)
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parse(hops[i])
		if !ok {
			break
		}
		client = a
		if !p.trusted(a) {
			break
		}
	}
	return client.String()
}

// forwardedFor is every X-Forwarded-For entry, in order, over all the
// header's lines.
func forwardedFor(r *http.Request) []string {
	var hops []string
	for _, line := range r.Header.Values("X-Forwarded-For") {
		for _, h := range strings.Split(line, ",") {
			hops = append(hops, strings.TrimSpace(h))
		}
	}
	return hops
}

// parse reads an address, with or without a port ("192.0.2.1:1234",
// "[2001:db8::1]:80", some proxies write them so) or in brackets, as a
// plain address.
func parse(s string) (netip.Addr, bool) {
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		s = s[1 : len(s)-1]
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, perr := netip.ParseAddrPort(s)
		if perr != nil {
			return netip.Addr{}, false
		}
		a = ap.Addr()
	}
	return a.Unmap().WithZone(""), true
}
