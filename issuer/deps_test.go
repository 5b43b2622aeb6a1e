package issuer_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDomainImportsNoAdapters keeps the domain free of storage and web
// code: adapters depend on issuer and keys, never the reverse. net/http is
// checked among direct imports only, because jwx's JWK package brings it
// in for fetching key sets, which the domain does not use.
func TestDomainImportsNoAdapters(t *testing.T) {
	anyDepth := []string{"database/sql", "github.com/go-chi/", "github.com/jackc/", "modernc.org/sqlite", "github.com/laurel-badges/laurel/internal/"}
	direct := []string{"net/http"}

	for _, pkg := range []string{"github.com/laurel-badges/laurel/issuer", "github.com/laurel-badges/laurel/keys"} {
		for _, dep := range goList(t, "-deps", pkg) {
			if matchesAny(dep, anyDepth) {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
		for _, imp := range goList(t, "-f", `{{join .Imports "\n"}}`, pkg) {
			if matchesAny(imp, direct) {
				t.Errorf("%s imports %s", pkg, imp)
			}
		}
	}
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Fields(string(out))
}

// matchesAny reports whether pkg is one of patterns, where a pattern ending
// in / matches every package below it.
func matchesAny(pkg string, patterns []string) bool {
	for _, p := range patterns {
		if pkg == p || strings.HasSuffix(p, "/") && strings.HasPrefix(pkg, p) {
			return true
		}
	}
	return false
}
