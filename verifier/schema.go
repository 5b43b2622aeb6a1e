package verifier

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/laurel-badges/laurel/schemas"
)

// Schema ids that credentials name in credentialSchema and that the
// schemas package embeds.
const (
	schemaIDJSONLD = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
	schemaIDAny    = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json-ld/ob_v3p0_anyachievementcredential_schema.json"
	schemaIDV1p1   = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json-ld/ob_v3p0_achievementcredentialv1p1_schema.json"
)

// schemaPathV1p1 is the VC Data Model 1.1 branch of the schema at
// schemas.AnyAchievementCredential, as its own file.
const schemaPathV1p1 = "json/any/ob_v3p0_achievementcredentialv1p1_schema.json"

// maxFindings bounds the schema findings quoted in a message.
const maxFindings = 5

// schemaSet holds the compiled OB 3.0 AchievementCredential schemas.
type schemaSet struct {
	formal *jsonschema.Schema // own credentials: arrays and image objects required
	jsonld *jsonschema.Schema // other VC Data Model 2.0 credentials: the permissive 2026 schema
	any    *jsonschema.Schema // VC Data Model 1.1 or 2.0 credentials
	v1p1   *jsonschema.Schema // VC Data Model 1.1 credentials
}

// offlineLoader rejects every URL, so that compiling never reaches the
// network: each schema is registered with AddResource first, and the draft
// 2019-09 meta-schemas ship inside the jsonschema module.
type offlineLoader struct{}

func (offlineLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema %s is not embedded", url)
}

// compileSchemas compiles the embedded schemas with format assertions on,
// so that a date-time without a time zone fails instead of only being
// annotated.
func compileSchemas() (*schemaSet, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2019)
	c.AssertFormat()
	c.UseLoader(offlineLoader{})

	files := []struct {
		path, id string
		dst      **jsonschema.Schema
	}{
		{schemas.AchievementCredentialFormal, schemas.AchievementCredentialFormalID, nil},
		{schemas.AchievementCredentialJSONLD, schemaIDJSONLD, nil},
		{schemas.AnyAchievementCredential, schemaIDAny, nil},
		{schemaPathV1p1, schemaIDV1p1, nil},
	}
	set := &schemaSet{}
	files[0].dst, files[1].dst, files[2].dst, files[3].dst = &set.formal, &set.jsonld, &set.any, &set.v1p1

	for _, f := range files {
		data, err := schemas.FS.ReadFile(f.path)
		if err != nil {
			return nil, fmt.Errorf("compile schema %s: %w", f.path, err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("compile schema %s: %w", f.path, err)
		}
		if err := c.AddResource(f.id, doc); err != nil {
			return nil, fmt.Errorf("compile schema %s: %w", f.path, err)
		}
	}
	for _, f := range files {
		sch, err := c.Compile(f.id)
		if err != nil {
			return nil, fmt.Errorf("compile schema %s: %w", f.path, err)
		}
		*f.dst = sch
	}
	return set, nil
}

// byID returns the embedded schema that a credentialSchema id names, or
// nil. The schema at the json/ URL was the VC Data Model 1.1 schema until
// spec version 1.0.14 (April 2024), so a 1.1 credential that names it is
// checked against the 1.1 schema.
func (s *schemaSet) byID(id string, version int) *jsonschema.Schema {
	switch id {
	case schemas.AchievementCredentialFormalID:
		return s.formal
	case schemaIDAny:
		return s.any
	case schemaIDV1p1:
		return s.v1p1
	case schemaIDJSONLD:
		if version == 1 {
			return s.v1p1
		}
		return s.jsonld
	}
	return nil
}

// validateCompacted validates doc, accepting a "type" given as one string
// where the schema wants an array: JSON-LD reads both alike and the OB 3.0
// model marks type as array-compacted, but the formal and 1.1 schemas
// accept only arrays. Such values are wrapped in a copy, which is checked
// again.
func validateCompacted(sch *jsonschema.Schema, doc any) string {
	err := sch.Validate(doc)
	if err == nil {
		return ""
	}
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		if paths := compactedTypes(ve, nil); len(paths) > 0 {
			doc = wrapAt(doc, paths)
			err = sch.Validate(doc)
		}
	}
	return findings(err)
}

// compactedTypes collects the locations of "type" members that hold a
// string where the schema wants an array.
func compactedTypes(ve *jsonschema.ValidationError, out [][]string) [][]string {
	if k, ok := ve.ErrorKind.(*kind.Type); ok && k.Got == "string" && slices.Contains(k.Want, "array") {
		if loc := ve.InstanceLocation; len(loc) > 0 && loc[len(loc)-1] == "type" {
			out = append(out, loc)
		}
	}
	for _, cause := range ve.Causes {
		out = compactedTypes(cause, out)
	}
	return out
}

// wrapAt returns a copy of doc in which the string at each path is an
// array holding it. Only the containers along the paths are copied.
func wrapAt(doc any, paths [][]string) any {
	for _, path := range paths {
		doc = wrapOne(doc, path)
	}
	return doc
}

func wrapOne(v any, path []string) any {
	if len(path) == 0 {
		if s, ok := v.(string); ok {
			return []any{s}
		}
		return v
	}
	switch t := v.(type) {
	case map[string]any:
		child, ok := t[path[0]]
		if !ok {
			return v
		}
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = e
		}
		out[path[0]] = wrapOne(child, path[1:])
		return out
	case []any:
		i, err := strconv.Atoi(path[0])
		if err != nil || i < 0 || i >= len(t) {
			return v
		}
		out := slices.Clone(t)
		out[i] = wrapOne(t[i], path[1:])
		return out
	}
	return v
}

// validate checks doc against sch and returns the findings in one line,
// or "" when doc conforms.
func validate(sch *jsonschema.Schema, doc any) string {
	return findings(sch.Validate(doc))
}

// findings writes the findings of a validation error on one line; it
// returns "" for nil.
func findings(err error) string {
	if err == nil {
		return ""
	}

	// The library writes a header line naming the schema, then one
	// "- at '<pointer>': <problem>" line per finding, indented by depth.
	// Lines that only report that a combination of subschemas failed are
	// dropped, because the findings under them give the reason.
	var list []string
	for _, line := range strings.Split(err.Error(), "\n") {
		line = strings.TrimPrefix(strings.TrimSpace(line), "- ")
		switch {
		case line == "", strings.HasPrefix(line, "jsonschema validation failed"),
			strings.HasSuffix(line, "validation failed"), strings.Contains(line, "failed, none matched"),
			strings.HasSuffix(line, "'allOf' failed"):
			continue
		}
		list = append(list, clip(line))
	}
	if len(list) == 0 {
		return clip(strings.Join(strings.Fields(err.Error()), " "))
	}
	if len(list) > maxFindings {
		list = append(list[:maxFindings], fmt.Sprintf("and %d more", len(list)-maxFindings))
	}
	return strings.Join(list, "; ")
}
