package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/laurel-badges/laurel/issuer"
)

// forwardedForHeader lists the addresses a request passed through, each
// proxy appending the address it received the request from.
const forwardedForHeader = "X-Forwarded-For"

// withClientAddress puts the client's address in the context, for the
// audit log and the rate limits.
func (s *Server) withClientAddress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr := clientAddr(r.RemoteAddr, r.Header.Values(forwardedForHeader), s.TrustedProxies)
		next.ServeHTTP(w, r.WithContext(issuer.WithRemoteAddr(r.Context(), addr)))
	})
}

// clientAddress returns the client address that withClientAddress found.
func clientAddress(ctx context.Context) string {
	return issuer.RemoteAddr(ctx)
}

// clientAddr returns the address of the client that sent a request from
// remoteAddr with the given X-Forwarded-For headers. Anyone can send the
// header, so it is read only when the direct peer is a trusted proxy.
// Then the addresses are read from the right, the last one appended
// first, and the first address that is not a trusted proxy is the client:
// entries further left came from the client and may be forged. When every
// entry is a trusted proxy the left-most one is the client. An entry that
// is not an IP address stops the reading, and the last proxy read is the
// client, because what it received cannot be checked.
func clientAddr(remoteAddr string, forwardedFor []string, trusted []netip.Prefix) string {
	peer := clientHost(remoteAddr)
	client, err := netip.ParseAddr(peer)
	if err != nil || !isTrusted(client, trusted) {
		return peer
	}

	hops := forwardedHops(forwardedFor)
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHop(hops[i])
		if !ok {
			break
		}
		client = hop
		if !isTrusted(hop, trusted) {
			break
		}
	}
	return client.String()
}

// clientHost returns the host part of a RemoteAddr.
func clientHost(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return remote
	}
	return host
}

// forwardedHops splits X-Forwarded-For headers into their entries, in
// order. Several headers count as one list joined by commas (RFC 9110
// section 5.3).
func forwardedHops(headers []string) []string {
	var hops []string
	for _, h := range headers {
		for hop := range strings.SplitSeq(h, ",") {
			hops = append(hops, strings.TrimSpace(hop))
		}
	}
	return hops
}

// parseHop reads one X-Forwarded-For entry: an IPv4 or IPv6 address, with
// or without brackets and a port, as some proxies add them.
func parseHop(hop string) (netip.Addr, bool) {
	if addr, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(hop, "["), "]")); err == nil {
		return addr.WithZone("").Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(hop); err == nil {
		return ap.Addr().WithZone("").Unmap(), true
	}
	return netip.Addr{}, false
}

// isTrusted reports whether addr lies in one of the trusted ranges. An
// IPv4 address written as IPv6 (::ffff:192.0.2.1) matches IPv4 ranges.
func isTrusted(addr netip.Addr, trusted []netip.Prefix) bool {
	addr = addr.WithZone("").Unmap()
	for _, p := range trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
