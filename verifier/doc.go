// Package verifier checks Open Badges 3.0 credentials from any issuer and
// reports, in words a reader without technical background understands,
// whether each one can be trusted.
//
// Verify takes a credential as a compact JWS (VC-JWT, VC Data Model 2.0 or
// 1.1), as JSON, or baked into a PNG or SVG image (ExtractPNG, ExtractSVG),
// and VerifyURL fetches one first. For a VC-JWT the
// verifier resolves the signing key from a did:web, did:key or did:jwk, an
// https JWK or JWK Set, or a jwk header when policy allows. It checks that
// the key belongs to the issuer and verifies the signature (RS256, PS256,
// ES256, EdDSA). It compares the JWT claims with the credential. Then it
// checks the credential itself: @context, type, the embedded OB 3.0 JSON
// Schemas, the subject, achievementType, the validity dates and, on
// request, the recipient.
//
// Revocation is checked for BitstringStatusListEntry and the older
// StatusList2021Entry status entries: the status list credential, of the
// type the entry names, must be a VC-JWT or a Data Integrity-signed
// credential of the same issuer, verified like a badge. For a
// 1EdTechRevocationList entry, the credential's id is looked up in the
// revokedCredentials of the issuer's revocation list, a plain JSON
// document that carries no proof.
//
// Endorsements embedded in the credential, its achievement or its issuer
// profile (EndorsementCredential objects or compact JWS strings, in
// endorsement or endorsementJwt) are verified one by one as credentials of
// their own, without following their own endorsements. No published Open
// Badges context defines endorsementJwt, so the JSON-LD check of a VC-JWT
// leaves it out, while under a Data Integrity proof it is a context error. Each gives an
// endorsement check that passes or warns; an endorsement never makes the
// credential invalid. At most 16 are verified.
//
// Every URL is fetched by one fetcher that allows only https and rejects
// private, loopback, link-local and metadata addresses at connect time. It
// bounds sizes, time and redirects, and caches key documents briefly and
// status lists for at most a minute. JSON-LD contexts are never fetched.
// Results that depend only on a credential's bytes (its decoded JSON, the
// JSON-LD and JSON Schema findings) are kept for up to 512 token parts,
// so a badge verified again costs mainly its signature.
//
// A credential in JSON must carry a Data Integrity proof: DataIntegrityProof
// with the cryptosuite eddsa-rdfc-2022, or the deprecated eddsa-2022 and
// Ed25519Signature2020, which verify with a warning. The document is first
// expanded as JSON-LD 1.1 in safe mode, so a term that no context defines
// and a redefined protected term are context errors. Then it is
// canonicalized with RDFC-1.0 and the Ed25519 signature is checked over
// sha256(proof configuration) ‖ sha256(document). Contexts come only from
// package schemas; an unknown context URL leaves the verdict
// Indeterminate. So does a proof that does not verify over a credential
// naming the unversioned Open Badges context, whose content changed over
// time (ErrContextChanged, code context_changed): the signer may have read
// other definitions there. Status lists with such proofs are verified the
// same way.
// Other status types are reported as not checked, which leaves the
// verdict Indeterminate.
package verifier
