package issuer

import "context"

// Signer signs VC-JWT payloads with the issuer's active key. Keys.Ring
// implements it.
type Signer interface {
	// Sign returns the compact JWS of payload, whose protected header holds
	// only alg, kid and typ "JWT", and the id of the key that signed it.
	// It is safe for concurrent use.
	Sign(ctx context.Context, payload []byte) (jws string, keyID string, err error)
}
