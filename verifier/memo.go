package verifier

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// maxMemoEntries bounds the documents whose decoded form and content
// findings are kept. An entry of a typical badge holds a few tens of
// kilobytes, so the cache stays below about 20 MB (an estimate).
const maxMemoEntries = 512

// contentMemo keeps, per document content, the results that depend only on
// the bytes: the decoded JSON, the JSON-LD problem and the JSON Schema
// findings. Verifying the same badge again then costs the signature, the
// key lookup from cache, the dates and the status, which are never
// cached here. The decoded documents are shared, so no check may change
// them.
type contentMemo struct {
	mu      sync.Mutex
	entries map[[32]byte]*memoEntry
}

// memoEntry holds the results for one document content. For a JWS part,
// the content is the encoded part and partOnce decodes it.
type memoEntry struct {
	partOnce sync.Once
	part     []byte
	header   *Header
	partErr  error

	decodeOnce sync.Once
	doc        map[string]any
	decodeErr  error

	ldOnce sync.Once
	ldErr  error

	mu       sync.Mutex
	findings map[schemaKey]string
}

// schemaKey names one validation: the schema and the strictness.
type schemaKey struct {
	schema *jsonschema.Schema
	strict bool
}

// entry returns the entry of data, creating it. When the memo is full it
// starts over, which bounds memory without bookkeeping per entry.
func (m *contentMemo) entry(data []byte) *memoEntry {
	key := sha256.Sum256(data)

	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.entries[key]; ok {
		return e
	}
	if m.entries == nil || len(m.entries) >= maxMemoEntries {
		m.entries = make(map[[32]byte]*memoEntry)
	}
	e := &memoEntry{}
	m.entries[key] = e
	return e
}

// decoded returns data decoded as a JSON object, decoding it once.
func (e *memoEntry) decoded(data []byte) (map[string]any, error) {
	e.decodeOnce.Do(func() { e.doc, e.decodeErr = decodeObject(data) })
	return e.doc, e.decodeErr
}

// jsonld returns the JSON-LD problem of a VC-JWT credential, checking once.
func (e *memoEntry) jsonld(doc map[string]any) error {
	e.ldOnce.Do(func() { e.ldErr = checkPayloadJSONLD(doc) })
	return e.ldErr
}

// validated returns the findings of validate (strict) or validateCompacted
// of doc against sch, validating once.
func (e *memoEntry) validated(sch *jsonschema.Schema, strict bool, doc any) string {
	key := schemaKey{sch, strict}
	e.mu.Lock()
	if f, ok := e.findings[key]; ok {
		e.mu.Unlock()
		return f
	}
	e.mu.Unlock()

	var f string
	if strict {
		f = validate(sch, doc)
	} else {
		f = validateCompacted(sch, doc)
	}

	e.mu.Lock()
	if e.findings == nil {
		e.findings = make(map[schemaKey]string)
	}
	e.findings[key] = f
	e.mu.Unlock()
	return f
}

// jwsPart returns the decoded JWS part seg, decoding it once. For the
// header (isHeader) it also parses the JOSE header.
func (e *memoEntry) jwsPart(name, seg string, isHeader bool) ([]byte, *Header, error) {
	e.partOnce.Do(func() {
		e.part, e.partErr = decodePart(name, seg)
		if e.partErr == nil && isHeader {
			e.header, e.partErr = parseHeader(e.part)
		}
	})
	return e.part, e.header, e.partErr
}

// parseJWS parses compact as ParseJWS does, with the header and payload
// decoded once per content. It returns the memo entry of the payload.
func (v *Verifier) parseJWS(compact string) (*JWS, *memoEntry, error) {
	parts := strings.Split(compact, ".")
	if len(parts) != 3 {
		return nil, nil, fmt.Errorf("%w: a compact JWS has 3 parts separated by dots, this has %d", ErrMalformed, len(parts))
	}

	_, header, err := v.memo.entry([]byte(parts[0])).jwsPart("header", parts[0], true)
	if err != nil {
		return nil, nil, err
	}
	memo := v.memo.entry([]byte(parts[1]))
	payload, _, err := memo.jwsPart("payload", parts[1], false)
	if err != nil {
		return nil, nil, err
	}
	var sig []byte
	if parts[2] != "" {
		if sig, err = decodePart("signature", parts[2]); err != nil {
			return nil, nil, err
		}
	}
	return &JWS{Header: *header, Payload: payload, Signature: sig, SigningInput: compact[:len(parts[0])+1+len(parts[1])]}, memo, nil
}
