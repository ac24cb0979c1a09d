package clientaddr

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func mustParse(t *testing.T, list string) Proxies {
	t.Helper()
	p, err := Parse(list)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// of is the client address of a request from peer with the given
// X-Forwarded-For lines.
func of(p Proxies, peer string, xff ...string) string {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = peer
	for _, v := range xff {
		r.Header.Add("X-Forwarded-For", v)
	}
	return p.Of(r)
}

func TestOf(t *testing.T) {
	p := mustParse(t, "10.0.0.0/8, 192.168.1.1, fd00::/8")
	for _, tc := range []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"NoProxyIsThePeer", "203.0.113.5:4711", nil, "203.0.113.5"},
		{"SpoofedHeaderFromAnUntrustedPeerIsIgnored", "203.0.113.5:4711", []string{"198.51.100.1"}, "203.0.113.5"},
		{"TrustedPeerGivesTheRightmostUntrusted", "10.1.2.3:80", []string{"198.51.100.99, 198.51.100.1, 10.9.9.9"}, "198.51.100.1"},
		{"HeaderLinesAreOneList", "10.1.2.3:80", []string{"198.51.100.99", "198.51.100.1", "192.168.1.1"}, "198.51.100.1"},
		{"AllTrustedGivesTheLeftmost", "10.1.2.3:80", []string{"10.0.0.7, 192.168.1.1"}, "10.0.0.7"},
		{"TrustedPeerWithoutHeaderIsThePeer", "10.1.2.3:80", nil, "10.1.2.3"},
		{"GarbageIsIgnored", "10.1.2.3:80", []string{"not-an-address"}, "10.1.2.3"},
		{"GarbageEndsTheWalk", "10.1.2.3:80", []string{"198.51.100.1, <script>, 10.0.0.9"}, "10.0.0.9"},
		{"EmptyEntryEndsTheWalk", "10.1.2.3:80", []string{"198.51.100.1,,"}, "10.1.2.3"},
		{"AddressWithPort", "10.1.2.3:80", []string{"198.51.100.1:5555"}, "198.51.100.1"},
		{"IPv6Peer", "[2001:db8::1]:443", []string{"198.51.100.1"}, "2001:db8::1"},
		{"IPv6TrustedPeer", "[fd00::5]:443", []string{"2001:db8::abcd"}, "2001:db8::abcd"},
		{"IPv6InBracketsWithPort", "[fd00::5]:443", []string{"[2001:db8::abcd]:1234"}, "2001:db8::abcd"},
		{"IPv4MappedPeerIsTrustedByItsIPv4Network", "[::ffff:10.1.2.3]:80", []string{"198.51.100.1"}, "198.51.100.1"},
		{"ZoneIsDropped", "[fe80::1%eth0]:80", nil, "fe80::1"},
		{"UnparsablePeerIsKeptAsGiven", "@", nil, "@"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := of(p, tc.peer, tc.xff...); got != tc.want {
				t.Fatalf("client of peer %s with X-Forwarded-For %q = %s, want %s", tc.peer, tc.xff, got, tc.want)
			}
		})
	}
	t.Run("NothingTrustedIgnoresTheHeader", func(t *testing.T) {
		if got := of(Proxies{}, "10.1.2.3:80", "198.51.100.1"); got != "10.1.2.3" {
			t.Fatalf("got %s", got)
		}
	})
}

func TestParse(t *testing.T) {
	p := mustParse(t, " 10.0.0.0/8 ,192.168.1.1,2001:db8::/32,::ffff:172.16.0.0/108,")
	if got := p.String(); got != "10.0.0.0/8,192.168.1.1/32,2001:db8::/32,172.16.0.0/12" {
		t.Fatalf("String() = %s", got)
	}
	if p, err := Parse(""); err != nil || p.String() != "" {
		t.Fatalf("empty list = %v, %v", p, err)
	}
	for in, want := range map[string]string{
		"10.0.0.0/33":          `"10.0.0.0/33" is neither a network`,
		"10.0.0.0/8,proxy.lan": `"proxy.lan" is neither a network`,
		"10.0.0.1/8":           `write 10.0.0.0/8`,
		"192.168.1.0/24;10/8":  `is neither a network`,
		"2001:db8::1/32":       `write 2001:db8::/32`,
	} {
		if _, err := Parse(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error saying %q", in, err, want)
		}
	}
}
