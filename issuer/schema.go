package issuer

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/laurel-badges/laurel/schemas"
)

// offlineLoader refuses every URL, so that compiling a schema never reaches
// the network: the schemas it needs are registered with AddResource first,
// and the draft 2019-09 meta-schemas ship inside the jsonschema module.
type offlineLoader struct{}

func (offlineLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema %s is not embedded; add it to the schemas package", url)
}

// compileFormalSchema compiles the formal OB 3.0 AchievementCredential schema
// from the embedded copy, with format assertions on so that date-time values
// are checked, not only annotated.
func compileFormalSchema() (*jsonschema.Schema, error) {
	return compileEmbeddedSchema(schemas.AchievementCredentialFormal, schemas.AchievementCredentialFormalID)
}

// compileEmbeddedSchema compiles the schema file at path in schemas.FS and
// registers it under id, its "$id".
func compileEmbeddedSchema(path, id string) (*jsonschema.Schema, error) {
	data, err := schemas.FS.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("compile schema %s: %w", path, err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("compile schema %s: %w", path, err)
	}

	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2019)
	c.AssertFormat()
	c.UseLoader(offlineLoader{})
	if err := c.AddResource(id, doc); err != nil {
		return nil, fmt.Errorf("compile schema %s: %w", path, err)
	}

	sch, err := c.Compile(id)
	if err != nil {
		return nil, fmt.Errorf("compile schema %s: %w", path, err)
	}
	return sch, nil
}

// validateAgainst checks the JSON document against sch and returns an
// ErrInvalid whose message lists the schema's findings on one line.
func validateAgainst(sch *jsonschema.Schema, document []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(document))
	if err != nil {
		return Invalidf("credential", "not valid JSON: %v", err)
	}

	err = sch.Validate(v)
	if err == nil {
		return nil
	}
	// The library writes a header line naming the schema, then one "- at
	// '<pointer>': <problem>" line per finding; keep the findings only.
	var lines []string
	for _, line := range strings.Split(err.Error(), "\n") {
		line = strings.TrimPrefix(strings.TrimSpace(line), "- ")
		if line != "" && !strings.HasPrefix(line, "jsonschema validation failed") {
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		lines = []string{strings.Join(strings.Fields(err.Error()), " ")}
	}
	return Invalidf("credential", "does not conform to the OB 3.0 AchievementCredential JSON Schema: %s", strings.Join(lines, "; "))
}
