// Package schemas embeds the JSON-LD contexts and the Open Badges 3.0 JSON
// Schemas that Laurel needs offline. The issuer validates its own output
// against the formal schema. The verifier and JSON-LD processing resolve
// contexts from here instead of fetching them. README.md in this folder gives
// the origin and SHA-256 of every file.
package schemas

import "embed"

// FS contains contexts/ (JSON-LD contexts) and json/ (JSON Schemas, draft
// 2019-09). In json/, formal/ is the formal schema set and jsonld/ the
// permissive set that accepts compacted single values and language maps.
// The schemas in any/ accept both VC Data Model 1.1 and 2.0 credentials.
//
//go:embed contexts json
var FS embed.FS

// Paths in FS of the schemas that callers compile by name. Every schema file
// carries its own "$id". Register a file under that id so that references
// resolve without network access.
const (
	// AchievementCredentialFormal is the formal schema of an
	// AchievementCredential: multi-valued fields must be arrays and images
	// objects. Its $id is AchievementCredentialFormalID.
	AchievementCredentialFormal = "json/formal/achievementcredential.json"

	// AchievementCredentialJSONLD is the permissive schema served in 2026 at
	// the URL that credentials name in credentialSchema.
	AchievementCredentialJSONLD = "json/jsonld/ob_v3p0_achievementcredential_schema.json"

	// AnyAchievementCredential accepts VC Data Model 1.1 and 2.0 credentials.
	AnyAchievementCredential = "json/any/ob_v3p0_anyachievementcredential_schema.json"

	// AnyEndorsementCredential accepts VC Data Model 1.1 and 2.0 endorsements.
	AnyEndorsementCredential = "json/any/ob_v3p0_anyendorsementcredential_schema.json"
)

// AchievementCredentialFormalID is the "$id" of AchievementCredentialFormal.
const AchievementCredentialFormalID = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential-jsonschema1.json"

// contextFiles maps each context URL, exactly as a document names it, to the
// file that the URL serves.
var contextFiles = map[string]string{
	"https://www.w3.org/ns/credentials/v2":                           "contexts/w3c_credentials_v2.jsonld",
	"https://www.w3.org/2018/credentials/v1":                         "contexts/w3c_credentials_v1.jsonld",
	"https://www.w3.org/ns/credentials/examples/v2":                  "contexts/w3c_credentials_examples_v2.jsonld",
	"https://www.w3.org/ns/credentials/status/v1":                    "contexts/w3c_credentials_status_v1.jsonld",
	"https://www.w3.org/ns/did/v1":                                   "contexts/w3c_did_v1.jsonld",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json":     "contexts/ob_v3p0_context-3.0.3.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json":     "contexts/ob_v3p0_context-3.0.2.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json":     "contexts/ob_v3p0_context-3.0.1.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context.json":           "contexts/ob_v3p0_context.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld": "contexts/ob_v3p0_context.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/extensions.json":        "contexts/ob_v3p0_extensions.json",
	"https://w3id.org/security/data-integrity/v1":                    "contexts/w3id_security_data-integrity_v1.jsonld",
	"https://w3id.org/security/data-integrity/v2":                    "contexts/w3id_security_data-integrity_v2.jsonld",
	"https://w3id.org/security/multikey/v1":                          "contexts/w3id_security_multikey_v1.jsonld",
	"https://w3id.org/security/suites/ed25519-2020/v1":               "contexts/w3id_security_suites_ed25519-2020_v1.jsonld",
	"https://w3id.org/vc/status-list/2021/v1":                        "contexts/w3id_vc_status-list_2021_v1.jsonld",
}

// Context returns the embedded JSON-LD context document served at url, and
// false when url is not one of the embedded contexts. The match is exact: no
// trailing slash, query or fragment is removed.
func Context(url string) ([]byte, bool) {
	name, ok := contextFiles[url]
	if !ok {
		return nil, false
	}

	data, err := FS.ReadFile(name)
	if err != nil {
		// Only a file missing from the embed pattern gets here, and the
		// package test reads every mapped file.
		return nil, false
	}
	return data, true
}

// ContextURLs returns every context URL that Context resolves, in no order.
func ContextURLs() []string {
	urls := make([]string, 0, len(contextFiles))
	for u := range contextFiles {
		urls = append(urls, u)
	}
	return urls
}
