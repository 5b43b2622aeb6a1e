package verifier

import "errors"

// Sentinel errors carried by Check.Err. Callers test them with errors.Is;
// the JSON form of a check names them in its "code" member.
var (
	// ErrNotCredential marks input that is neither a compact JWS nor a
	// credential, such as JSON that wraps a token.
	ErrNotCredential = errors.New("expected a compact JWS or a credential")

	// ErrWebPage marks an HTML page given where a credential was expected.
	ErrWebPage = errors.New("this is a web page, not a credential")

	// ErrBakedImage marks a PNG or SVG image from which no credential can
	// be read (damaged, compressed or with more than one credential), or a
	// PDF whose attached credential.jwt cannot be read.
	ErrBakedImage = errors.New("baked badge image cannot be read")

	// ErrTooLarge marks input or a fetched document above the size limit.
	ErrTooLarge = errors.New("document too large")

	// ErrMalformed marks a compact JWS or JSON document that does not parse.
	ErrMalformed = errors.New("malformed document")

	// ErrAlgorithm marks a JWS algorithm that is rejected: none, HMAC or
	// unknown.
	ErrAlgorithm = errors.New("signature algorithm rejected")

	// ErrSignature marks a signature that does not verify with the key.
	ErrSignature = errors.New("signature does not verify")

	// ErrNoKey marks a JOSE header with neither kid nor jwk.
	ErrNoKey = errors.New("no key named")

	// ErrKeyNotPublished marks a kid that the issuer's key document no
	// longer lists although it lists other keys: the key was rotated out or
	// withdrawn, which is not the same as tampering.
	ErrKeyNotPublished = errors.New("issuer key no longer published")

	// ErrKeyNotFound marks a kid that names no key at all.
	ErrKeyNotFound = errors.New("key not found")

	// ErrAmbiguousKey marks a kid that names a DID without a fragment
	// while the DID document lists several keys.
	ErrAmbiguousKey = errors.New("kid names no single key")

	// ErrKeyNotAuthorized marks a DID verification method that is not
	// listed under assertionMethod, so it may not sign credentials.
	ErrKeyNotAuthorized = errors.New("key not authorized for issuing")

	// ErrKeyNotBound marks a key that cannot be tied to the issuer.
	ErrKeyNotBound = errors.New("key not bound to issuer")

	// ErrInvalidKey marks a public key that is malformed or of the wrong
	// type, curve or length.
	ErrInvalidKey = errors.New("invalid public key")

	// ErrInvalidDID marks a DID or DID URL that does not follow its method.
	ErrInvalidDID = errors.New("invalid DID")

	// ErrUnsupportedDID marks a DID method that the verifier cannot resolve.
	ErrUnsupportedDID = errors.New("DID method not supported")

	// ErrDIDDocument marks a DID document that is malformed or whose id is
	// not the DID that was resolved.
	ErrDIDDocument = errors.New("invalid DID document")

	// ErrFetch marks a document that could not be fetched: a network error,
	// a timeout or an HTTP status other than 200.
	ErrFetch = errors.New("fetch failed")

	// ErrBlockedAddress marks a URL whose host is, or resolves to, an
	// address the fetch policy rejects (private, loopback, metadata, …).
	ErrBlockedAddress = errors.New("address not allowed")

	// ErrBlockedURL marks a URL the fetch policy rejects before any lookup:
	// a scheme other than https, user info, or a host that is not ASCII.
	ErrBlockedURL = errors.New("URL not allowed")

	// ErrClaims marks JWT claims that are missing or disagree with the
	// credential.
	ErrClaims = errors.New("JWT claims do not match the credential")

	// ErrNonConforming marks a credential that breaks the Open Badges 3.0
	// data model: context, type, JSON Schema, subject or achievementType.
	ErrNonConforming = errors.New("credential does not conform to Open Badges 3.0")

	// ErrExpired marks a credential whose validUntil has passed.
	ErrExpired = errors.New("credential expired")

	// ErrNotYetValid marks a credential whose validFrom is still ahead.
	ErrNotYetValid = errors.New("credential not yet valid")

	// ErrRevoked marks a credential that its status list marks as revoked.
	ErrRevoked = errors.New("credential revoked")

	// ErrSuspended marks a credential that its status list marks as
	// suspended.
	ErrSuspended = errors.New("credential suspended")

	// ErrStatusVerification marks a status list that cannot be trusted:
	// bad signature, another issuer, wrong purpose or undecodable list
	// (STATUS_VERIFICATION_ERROR of Bitstring Status List v1.0).
	ErrStatusVerification = errors.New("status list verification failed")

	// ErrStatusListLength marks a status list with fewer than 131,072
	// entries (STATUS_LIST_LENGTH_ERROR).
	ErrStatusListLength = errors.New("status list too short")

	// ErrStatusRange marks a status list index beyond the end of the list
	// (RANGE_ERROR).
	ErrStatusRange = errors.New("status list index out of range")

	// ErrRecipientMismatch marks a credential that does not name the
	// recipient the caller asked about.
	ErrRecipientMismatch = errors.New("recipient does not match")

	// ErrContext marks a credential whose JSON-LD cannot be read: an
	// unknown context, a term no context defines or a redefined protected
	// term.
	ErrContext = errors.New("JSON-LD context error")
	// ErrUnknownContext marks a context URL that the verifier does not
	// embed; it also wraps ErrContext. Contexts are never fetched.
	ErrUnknownContext = errors.New("unknown or changed context")
	// ErrContextChanged marks a Data Integrity proof that does not verify
	// over a credential that names a context whose content changed while
	// credentials were signed against it, such as the unversioned Open
	// Badges context. The signer may have read other definitions, so the
	// failure proves neither tampering nor a genuine credential.
	ErrContextChanged = errors.New("signed against a context that has changed")
	// ErrUnsupportedProof marks a proof type or cryptosuite that the
	// verifier does not implement.
	ErrUnsupportedProof = errors.New("proof type not supported")
	// ErrDeprecatedProof marks a proof that verified with a suite that
	// eddsa-rdfc-2022 replaced: eddsa-2022 or Ed25519Signature2020.
	ErrDeprecatedProof = errors.New("deprecated proof suite")
	// ErrUnsigned marks a credential in JSON without a proof member, such
	// as the readable copy an issuer serves next to the signed VC-JWT.
	ErrUnsigned = errors.New("credential without proof")
	// ErrNotChecked marks a required check that this version cannot do yet.
	ErrNotChecked = errors.New("not checked")
	// ErrEndorsement marks an embedded endorsement that did not verify; it
	// is a warning and never makes the endorsed credential invalid.
	ErrEndorsement = errors.New("endorsement not verified")
)

// errorCodes gives the stable JSON code of each sentinel error.
var errorCodes = []struct {
	err  error
	code string
}{
	{ErrNotCredential, "not_credential"},
	{ErrWebPage, "web_page"},
	{ErrBakedImage, "baked_image"},
	{ErrTooLarge, "too_large"},
	{ErrMalformed, "malformed"},
	{ErrAlgorithm, "algorithm_rejected"},
	{ErrSignature, "bad_signature"},
	{ErrNoKey, "no_key"},
	{ErrKeyNotPublished, "key_not_published"},
	{ErrKeyNotFound, "key_not_found"},
	{ErrAmbiguousKey, "ambiguous_key"},
	{ErrKeyNotAuthorized, "key_not_authorized"},
	{ErrKeyNotBound, "key_not_bound"},
	{ErrInvalidKey, "invalid_key"},
	{ErrInvalidDID, "invalid_did"},
	{ErrUnsupportedDID, "unsupported_did"},
	{ErrDIDDocument, "invalid_did_document"},
	{ErrBlockedAddress, "blocked_address"},
	{ErrBlockedURL, "blocked_url"},
	{ErrFetch, "fetch_failed"},
	{ErrClaims, "claims_mismatch"},
	{ErrNonConforming, "non_conforming"},
	{ErrExpired, "expired"},
	{ErrNotYetValid, "not_yet_valid"},
	{ErrRevoked, "revoked"},
	{ErrSuspended, "suspended"},
	{ErrStatusVerification, "status_verification_error"},
	{ErrStatusListLength, "status_list_length_error"},
	{ErrStatusRange, "status_range_error"},
	{ErrRecipientMismatch, "recipient_mismatch"},
	{ErrUnknownContext, "unknown_context"},
	{ErrContextChanged, "context_changed"},
	{ErrContext, "context_error"},
	{ErrUnsupportedProof, "unsupported_proof"},
	{ErrDeprecatedProof, "deprecated_proof"},
	{ErrUnsigned, "unsigned"},
	{ErrNotChecked, "not_checked"},
	{ErrEndorsement, "endorsement_not_verified"},
}

// codeOf returns the code of the first sentinel that err wraps, or "".
func codeOf(err error) string {
	if err == nil {
		return ""
	}
	for _, e := range errorCodes {
		if errors.Is(err, e.err) {
			return e.code
		}
	}
	return ""
}
