package verifier_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestVerifierImportsNoLaurelInternals keeps the package usable as a
// library: of Laurel's packages it may import only schemas.
func TestVerifierImportsNoLaurelInternals(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/laurel-badges/laurel/verifier").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		own := strings.HasPrefix(dep, "github.com/laurel-badges/laurel/")
		if own && dep != "github.com/laurel-badges/laurel/schemas" && dep != "github.com/laurel-badges/laurel/verifier" {
			t.Errorf("verifier depends on %s", dep)
		}
	}
}
