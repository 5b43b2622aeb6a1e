package issuer

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters of new password hashes: the second recommended
// option of RFC 9106 section 4 (3 passes, 64 MiB of memory, 4 lanes, a
// 128-bit salt and a 256-bit tag). Stored hashes carry their own
// parameters, so changing these leaves old hashes valid.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024 // KiB
	argonThreads = 4
	argonSaltLen = 16
	argonKeyLen  = 32
)

// Password length limits, in characters. The maximum keeps a request from
// making the server hash megabytes.
const (
	MinPasswordLength = 12
	MaxPasswordLength = 256
)

// errMalformedHash is returned for a stored hash that is not an argon2id
// PHC string this package can read.
var errMalformedHash = errors.New("malformed password hash")

// CheckPasswordRules returns a ValidationError when password is too short
// or too long.
func CheckPasswordRules(password string) error {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLength {
		return Invalidf("password", "%d characters is too short; use at least %d", n, MinPasswordLength)
	}
	if n > MaxPasswordLength {
		return Invalidf("password", "%d characters is too long; use at most %d", n, MaxPasswordLength)
	}
	return nil
}

// HashPassword returns the argon2id hash of password as a PHC string, such
// as $argon2id$v=19$m=65536,t=3,p=4$<salt>$<tag>, with unpadded base64.
func HashPassword(password string) string {
	salt := make([]byte, argonSaltLen)
	rand.Read(salt)
	tag := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)

	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(tag))
}

// phcHash is a parsed argon2id PHC string.
type phcHash struct {
	memory  uint32
	time    uint32
	threads uint8
	salt    []byte
	tag     []byte
}

// Limits on the parameters of a stored hash, so that a tampered row cannot
// make a sign-in allocate gigabytes or spin for minutes.
const (
	maxHashMemory = 1024 * 1024 // KiB, 1 GiB
	maxHashTime   = 16
)

func parsePHC(s string) (*phcHash, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return nil, fmt.Errorf("%w: want $argon2id$v=…$m=…,t=…,p=…$salt$tag", errMalformedHash)
	}

	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return nil, fmt.Errorf("%w: version %q, want v=%d", errMalformedHash, parts[2], argon2.Version)
	}

	h := &phcHash{}
	n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.memory, &h.time, &h.threads)
	if err != nil || n != 3 || fmt.Sprintf("m=%d,t=%d,p=%d", h.memory, h.time, h.threads) != parts[3] {
		return nil, fmt.Errorf("%w: parameters %q", errMalformedHash, parts[3])
	}
	if h.memory < 8*uint32(h.threads) || h.memory > maxHashMemory || h.time < 1 || h.time > maxHashTime || h.threads < 1 {
		return nil, fmt.Errorf("%w: parameters %q out of range", errMalformedHash, parts[3])
	}

	b64 := base64.RawStdEncoding
	if h.salt, err = b64.DecodeString(parts[4]); err != nil || len(h.salt) < 8 {
		return nil, fmt.Errorf("%w: salt", errMalformedHash)
	}
	if h.tag, err = b64.DecodeString(parts[5]); err != nil || len(h.tag) < 16 || len(h.tag) > 64 {
		return nil, fmt.Errorf("%w: tag", errMalformedHash)
	}
	return h, nil
}

// checkPassword reports whether password matches the PHC string stored.
// The tags are compared in constant time.
func checkPassword(stored, password string) (bool, error) {
	h, err := parsePHC(stored)
	if err != nil {
		return false, err
	}
	tag := argon2.IDKey([]byte(password), h.salt, h.time, h.memory, h.threads, uint32(len(h.tag)))
	return subtle.ConstantTimeCompare(tag, h.tag) == 1, nil
}

// dummyHash is checked against when an account is unknown or has no
// password, so that such a sign-in takes as long as a wrong password and
// its timing does not tell which accounts exist.
// It is made on first use rather than at start, because hashing takes
// 64 MiB and a noticeable fraction of a second.
var dummyHash = sync.OnceValue(func() string { return HashPassword("no account has this password") })
