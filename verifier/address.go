package verifier

import (
	"fmt"
	"net/netip"
	"syscall"
)

// addressPolicy decides which IP addresses the fetcher may connect to.
type addressPolicy struct {
	allowPrivate bool
}

// alwaysBlocked lists addresses no fetch may reach, whatever the options:
// cloud metadata services (AWS, GCP and Azure 169.254.169.254, AWS ECS
// 169.254.170.2, AWS IPv6 fd00:ec2::254, Alibaba 100.100.100.200), and
// addresses that are never a server: "this network" 0.0.0.0/8, the
// reserved 240.0.0.0/4 and broadcast.
var alwaysBlocked = []netip.Prefix{
	netip.MustParsePrefix("169.254.169.254/32"),
	netip.MustParsePrefix("169.254.170.2/32"),
	netip.MustParsePrefix("fd00:ec2::254/128"),
	netip.MustParsePrefix("100.100.100.200/32"),
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("240.0.0.0/4"),
}

// privateRanges lists ranges that netip's predicates do not cover and
// that reach a private network: carrier-grade NAT (RFC 6598), IETF
// protocol assignments 192.0.0.0/24, local-use IPv4/IPv6 translation
// 64:ff9b:1::/48 (RFC 8215) and the deprecated IPv6 site-local fec0::/10.
var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("fec0::/10"),
}

// Prefixes whose IPv6 addresses end with, or carry after the first 16
// bits, an IPv4 address that a translator connects to: NAT64 (RFC 6052)
// and 6to4 (RFC 3056).
var (
	nat64Prefix     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFourPrefix = netip.MustParsePrefix("2002::/16")
)

// check returns an error wrapping ErrBlockedAddress when ip may not be
// reached. Unspecified, multicast and metadata addresses are rejected
// always; loopback, private (RFC 1918, unique local fc00::/7), link-local
// and carrier-grade NAT addresses unless allowPrivate is set.
// An error for an address that only allowPrivate blocks is an
// *optInError.
func (p addressPolicy) check(ip netip.Addr) error {
	ip = ip.Unmap().WithZone("")
	if reason, optIn := p.reason(ip); reason != "" {
		return blockedAddress(optIn, fmt.Errorf("%w: %s is %s", ErrBlockedAddress, ip, reason))
	}

	// A translator would connect to the embedded IPv4 address.
	if embedded, ok := embeddedIPv4(ip); ok {
		if reason, optIn := p.reason(embedded); reason != "" {
			return blockedAddress(optIn, fmt.Errorf("%w: %s embeds %s, which is %s", ErrBlockedAddress, ip, embedded, reason))
		}
	}
	return nil
}

func blockedAddress(optIn bool, err error) error {
	if optIn {
		return &optInError{err}
	}
	return err
}

// reason names why ip is blocked, or returns "". optIn reports that
// allowPrivate would allow the address.
func (p addressPolicy) reason(ip netip.Addr) (reason string, optIn bool) {
	switch {
	case !ip.IsValid():
		return "not an IP address", false
	case ip.IsUnspecified():
		return "the unspecified address", false
	case ip.IsMulticast():
		return "a multicast address", false
	case ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "the broadcast address", false
	}
	for _, prefix := range alwaysBlocked {
		if prefix.Contains(ip) {
			return "a cloud metadata or reserved address", false
		}
	}
	if p.allowPrivate {
		return "", false
	}

	switch {
	case ip.IsLoopback():
		return "a loopback address", true
	case ip.IsPrivate():
		return "a private network address", true
	case ip.IsLinkLocalUnicast():
		return "a link-local address", true
	}
	for _, prefix := range privateRanges {
		if prefix.Contains(ip) {
			return "a private network address", true
		}
	}
	return "", false
}

// embeddedIPv4 returns the IPv4 address inside a NAT64 or 6to4 address.
func embeddedIPv4(ip netip.Addr) (netip.Addr, bool) {
	if !ip.Is6() {
		return netip.Addr{}, false
	}
	b := ip.As16()
	switch {
	case nat64Prefix.Contains(ip):
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), true
	case sixToFourPrefix.Contains(ip):
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}), true
	}
	return netip.Addr{}, false
}

// control is a net.Dialer Control function. It runs after the socket is
// created and before connect(2), with the address actually being dialed,
// so a name that resolves to another address at dial time than at lookup
// time (DNS rebinding) is still checked.
func (p addressPolicy) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot read dial address %q: %v", ErrBlockedAddress, address, err)
	}
	return p.check(ap.Addr())
}
