package issuer

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// StatusListTTL is how long a verifier may keep a status list before
// fetching it again: the list credential states it as ttl, and the server
// sends the same lifetime as Cache-Control max-age. It is short so that a
// revocation reaches verifiers within a minute.
const StatusListTTL = 60 * time.Second

// SignedStatusList is a BitstringStatusListCredential ready to serve.
type SignedStatusList struct {
	ListID   string
	Revision int64  // the list's revision when it was signed
	KeyID    string // the key that signed it
	JWS      string // compact JWS (VC-JWT)
	Document []byte // the credential JSON without JWT claims
}

// statusListDoc is a BitstringStatusListCredential (Bitstring Status List
// v1.0, section 2.2) in the VC Data Model 2.0, whose base context defines
// every term it uses.
type statusListDoc struct {
	Context           []string          `json:"@context"`
	ID                string            `json:"id"`
	Type              []string          `json:"type"`
	Issuer            string            `json:"issuer"`
	ValidFrom         string            `json:"validFrom"`
	CredentialSubject statusListSubject `json:"credentialSubject"`
}

type statusListSubject struct {
	ID            string `json:"id"`
	Type          string `json:"type"`
	StatusPurpose string `json:"statusPurpose"`
	EncodedList   string `json:"encodedList"`
	TTL           int64  `json:"ttl"` // milliseconds
}

// statusListPayload is the VC-JWT payload of a status list credential:
// its members, then the same JWT claims as an OpenBadgeCredential's.
type statusListPayload struct {
	*statusListDoc
	Iss string `json:"iss"`
	Sub string `json:"sub"`
	Jti string `json:"jti"`
	Nbf int64  `json:"nbf"`
}

// buildStatusList returns the status list credential of list with bits,
// as JSON (document) and as the VC-JWT payload to sign. validFrom is the
// time the list last changed, so that servers sharing one database write
// the same document for the same revision.
func buildStatusList(urls URLs, issuerID string, list *StatusList, bits Bitstring) (document, payload []byte, err error) {
	if bits.Len() < MinStatusListSize {
		return nil, nil, fmt.Errorf("build status list %s: %d entries are fewer than the minimum of %d", list.ID, bits.Len(), MinStatusListSize)
	}
	encoded, err := bits.Encode()
	if err != nil {
		return nil, nil, fmt.Errorf("build status list %s: %w", list.ID, err)
	}

	validFrom := list.UpdatedAt.UTC().Truncate(time.Second)
	id := urls.StatusList(list.ID)
	doc := &statusListDoc{
		Context:   []string{contextVCv2},
		ID:        id,
		Type:      []string{"VerifiableCredential", "BitstringStatusListCredential"},
		Issuer:    issuerID,
		ValidFrom: formatTime(validFrom),
		CredentialSubject: statusListSubject{
			ID:            id + "#list",
			Type:          "BitstringStatusList",
			StatusPurpose: list.Purpose,
			EncodedList:   encoded,
			TTL:           StatusListTTL.Milliseconds(),
		},
	}

	if document, err = marshalJSON(doc); err != nil {
		return nil, nil, fmt.Errorf("build status list %s: %w", list.ID, err)
	}
	p := statusListPayload{statusListDoc: doc, Iss: issuerID, Sub: doc.CredentialSubject.ID, Jti: id, Nbf: validFrom.Unix()}
	if payload, err = marshalJSON(p); err != nil {
		return nil, nil, fmt.Errorf("build status list %s: %w", list.ID, err)
	}
	return document, payload, nil
}

// statusListCache keeps the signed credential of each status list, so that
// verification traffic costs one small query per request and no signature.
// Its zero value is ready to use.
type statusListCache struct {
	mu      sync.Mutex
	entries map[string]*SignedStatusList

	// building lets one request at a time sign, so that the burst of
	// requests after a revocation signs the list once.
	building sync.Mutex
}

func (c *statusListCache) get(id string) *SignedStatusList {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries[id]
}

func (c *statusListCache) put(l *SignedStatusList) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]*SignedStatusList{}
	}
	c.entries[l.ListID] = l
}

// StatusListCredential returns the signed credential of a status list.
// Anyone may read it: verifiers fetch it to check a credential's status.
//
// Each call reads the list's revision from the store and serves the cached
// credential while the revision is unchanged. A revocation changes the
// revision, so the next request gets a list that shows it, also when
// another process revoked.
func (s *Service) StatusListCredential(ctx context.Context, id string) (*SignedStatusList, error) {
	list, err := s.Store.StatusList(ctx, id)
	if err != nil {
		return nil, err
	}
	if cached := s.statusLists.get(id); s.fresh(ctx, cached, list) {
		return cached, nil
	}

	s.statusLists.building.Lock()
	defer s.statusLists.building.Unlock()
	if cached := s.statusLists.get(id); s.fresh(ctx, cached, list) {
		return cached, nil
	}

	signed, err := s.signStatusList(ctx, list)
	if err != nil {
		return nil, err
	}
	s.statusLists.put(signed)
	return signed, nil
}

// fresh reports whether cached shows list at its current revision and is
// signed by a key that is still published. A key revoked by another
// process is noticed within the Keys' refresh interval.
func (s *Service) fresh(ctx context.Context, cached *SignedStatusList, list *StatusList) bool {
	if cached == nil || cached.Revision != list.Revision {
		return false
	}
	if s.Keys == nil {
		return true
	}
	if err := s.Keys.Refresh(ctx, false); err != nil {
		s.logger().WarnContext(ctx, "refresh signing keys for a status list", "status_list", list.ID, "err", err)
	}
	return s.Keys.Published(cached.KeyID)
}

// signStatusList reads the revoked entries of list and signs its credential.
func (s *Service) signStatusList(ctx context.Context, list *StatusList) (*SignedStatusList, error) {
	revoked, err := s.Store.RevokedStatusIndexes(ctx, list.ID)
	if err != nil {
		return nil, fmt.Errorf("read status list %s: %w", list.ID, err)
	}
	bits, err := NewBitstring(list.Size)
	if err != nil {
		return nil, fmt.Errorf("status list %s: %w", list.ID, err)
	}
	for _, i := range revoked {
		if i < 0 || i >= list.Size {
			return nil, fmt.Errorf("status list %s: revoked index %d is outside the list of %d entries", list.ID, i, list.Size)
		}
		bits.Set(i)
	}

	doc, payload, err := buildStatusList(s.URLs, s.IssuerID, list, bits)
	if err != nil {
		return nil, err
	}
	jws, keyID, err := s.Signer.Sign(ctx, payload)
	if err != nil {
		return nil, fmt.Errorf("sign status list %s: %w", list.ID, err)
	}
	return &SignedStatusList{ListID: list.ID, Revision: list.Revision, KeyID: keyID, JWS: jws, Document: doc}, nil
}
