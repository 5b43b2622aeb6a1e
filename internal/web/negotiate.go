package web

import (
	"strconv"
	"strings"
)

// mediaRange is one entry of an Accept header.
type mediaRange struct {
	typ, sub string  // lower case; either may be "*"
	q        float64 // quality, 0 to 1
}

// parseAccept reads an Accept header (RFC 9110 section 12.5.1). An empty
// header accepts everything. Entries with a malformed media range or
// quality are skipped rather than guessed at.
func parseAccept(header string) []mediaRange {
	if strings.TrimSpace(header) == "" {
		return []mediaRange{{typ: "*", sub: "*", q: 1}}
	}

	var out []mediaRange
	for entry := range strings.SplitSeq(header, ",") {
		params := strings.Split(entry, ";")
		typ, sub, ok := strings.Cut(strings.ToLower(strings.TrimSpace(params[0])), "/")
		if !ok || typ == "" || sub == "" || (typ == "*" && sub != "*") {
			continue
		}

		mr := mediaRange{typ: typ, sub: sub, q: 1}
		for _, p := range params[1:] {
			name, value, _ := strings.Cut(strings.TrimSpace(p), "=")
			if !strings.EqualFold(strings.TrimSpace(name), "q") {
				continue
			}
			q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			if err != nil || q < 0 || q > 1 {
				ok = false
			}
			mr.q = q
		}
		if ok {
			out = append(out, mr)
		}
	}
	return out
}

// quality returns the quality that ranges give to the media type offer and
// how specific the deciding range is: 2 for an exact match, 1 for type/*,
// 0 for */*, and -1 when no range matches. The most specific range decides.
func quality(ranges []mediaRange, offer string) (q float64, specificity int) {
	typ, sub, _ := strings.Cut(offer, "/")
	specificity = -1
	for _, mr := range ranges {
		s := -1
		switch {
		case mr.typ == typ && mr.sub == sub:
			s = 2
		case mr.typ == typ && mr.sub == "*":
			s = 1
		case mr.typ == "*":
			s = 0
		}
		if s > specificity {
			specificity, q = s, mr.q
		}
	}
	return q, specificity
}

// negotiate returns the offer that the Accept header prefers, or "" when
// it accepts none. Among offers of equal quality the one matched by the
// more specific range wins, then the one listed first in offers.
func negotiate(accept string, offers []string) string {
	ranges := parseAccept(accept)

	best, bestQ, bestSpec := "", 0.0, -1
	for _, offer := range offers {
		q, spec := quality(ranges, offer)
		if q <= 0 {
			continue
		}
		if q > bestQ || (q == bestQ && spec > bestSpec) {
			best, bestQ, bestSpec = offer, q, spec
		}
	}
	return best
}

// accepts reports whether the Accept header names typ itself with a
// quality above 0; wildcards do not count.
func accepts(accept, typ string) bool {
	q, spec := quality(parseAccept(accept), typ)
	return spec == 2 && q > 0
}
