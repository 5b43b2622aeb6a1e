package web

import "testing"

func TestNegotiate(t *testing.T) {
	offers := []string{"text/html", "application/json", "text/plain"}
	cases := []struct {
		name, accept, want string
	}{
		{"empty means anything", "", "text/html"},
		{"first offer on a tie", "*/*", "text/html"},
		{"exact", "text/plain", "text/plain"},
		{"higher quality wins", "text/html;q=0.4, text/plain;q=0.5", "text/plain"},
		{"specific range overrides wildcard", "*/*;q=0.9, text/html;q=0.1", "application/json"},
		{"q=0 refuses", "text/html;q=0, text/*", "text/plain"},
		{"nothing acceptable", "image/png", ""},
		{"all refused", "*/*;q=0", ""},
		{"malformed range skipped", "html, application/json", "application/json"},
		{"malformed quality skipped", "text/html;q=high, application/json;q=0.5", "application/json"},
		{"quality above 1 skipped", "text/html;q=2, text/plain;q=0.1", "text/plain"},
		{"type wildcard alone invalid", "*/json", ""},
		{"parameters ignored", "text/plain; charset=utf-8; q=0.8, application/json; q=0.7", "text/plain"},
		{"case-insensitive", "TEXT/PLAIN", "text/plain"},
		{"three decimals", "text/html;q=0.001, application/json;q=0.002", "application/json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := negotiate(c.accept, offers); got != c.want {
				t.Errorf("negotiate(%q) = %q, want %q", c.accept, got, c.want)
			}
		})
	}
}

func TestAccepts(t *testing.T) {
	cases := []struct {
		accept string
		want   bool
	}{
		{"application/did+json", true},
		{"application/json, application/did+json;q=0.5", true},
		{"application/did+json;q=0", false},
		{"*/*", false},
		{"application/*", false},
		{"", false},
	}
	for _, c := range cases {
		if got := accepts(c.accept, "application/did+json"); got != c.want {
			t.Errorf("accepts(%q) = %v, want %v", c.accept, got, c.want)
		}
	}
}
