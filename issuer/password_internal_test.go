package issuer

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

var phcPattern = regexp.MustCompile(`^\$argon2id\$v=19\$m=65536,t=3,p=4\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHashPassword(t *testing.T) {
	hash := HashPassword("correct horse battery staple")
	if !phcPattern.MatchString(hash) {
		t.Fatalf("hash %q is not an argon2id PHC string with the RFC 9106 parameters", hash)
	}
	if again := HashPassword("correct horse battery staple"); again == hash {
		t.Error("two hashes of one password are equal; the salt is not random")
	}

	ok, err := checkPassword(hash, "correct horse battery staple")
	if err != nil || !ok {
		t.Errorf("checkPassword(right password) = %v, %v; want true", ok, err)
	}
	ok, err = checkPassword(hash, "correct horse battery stapl")
	if err != nil || ok {
		t.Errorf("checkPassword(wrong password) = %v, %v; want false", ok, err)
	}
}

func TestCheckPasswordOtherParameters(t *testing.T) {
	// A hash made with other parameters, as after a change of the
	// constants, still verifies: the parameters come from the string.
	const stored = "$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHRzYWx0$"
	h, err := parsePHC(stored + "AAAAAAAAAAAAAAAAAAAAAA")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if h.memory != 8192 || h.time != 1 || h.threads != 1 {
		t.Errorf("parameters m=%d t=%d p=%d, want 8192, 1, 1", h.memory, h.time, h.threads)
	}
}

func TestParsePHCRejects(t *testing.T) {
	const salt, tag = "c2FsdHNhbHRzYWx0", "dGFndGFndGFndGFndGFndGFndGFndGFndGFndGFndGE"
	tests := map[string]string{
		"empty":              "",
		"bcrypt":             "$2a$10$abcdefghijklmnopqrstuv",
		"argon2i":            "$argon2i$v=19$m=65536,t=3,p=4$" + salt + "$" + tag,
		"old version":        "$argon2id$v=16$m=65536,t=3,p=4$" + salt + "$" + tag,
		"missing tag":        "$argon2id$v=19$m=65536,t=3,p=4$" + salt,
		"memory too large":   "$argon2id$v=19$m=4194304,t=3,p=4$" + salt + "$" + tag,
		"too many passes":    "$argon2id$v=19$m=65536,t=100,p=4$" + salt + "$" + tag,
		"zero lanes":         "$argon2id$v=19$m=65536,t=3,p=0$" + salt + "$" + tag,
		"memory below lanes": "$argon2id$v=19$m=8,t=3,p=4$" + salt + "$" + tag,
		"extra parameter":    "$argon2id$v=19$m=65536,t=3,p=4,x=1$" + salt + "$" + tag,
		"padded salt":        "$argon2id$v=19$m=65536,t=3,p=4$" + salt + "==$" + tag,
		"short salt":         "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$" + tag,
		"short tag":          "$argon2id$v=19$m=65536,t=3,p=4$" + salt + "$dGFn",
	}
	for name, stored := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := parsePHC(stored); !errors.Is(err, errMalformedHash) {
				t.Errorf("parsePHC(%q) err = %v, want errMalformedHash", stored, err)
			}
		})
	}
}

func FuzzParsePHC(f *testing.F) {
	f.Add(HashPassword("seed password 1"))
	f.Add("$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$argon2id$v=19$m=,t=,p=$$")
	f.Fuzz(func(t *testing.T, stored string) {
		h, err := parsePHC(stored)
		if err != nil {
			return
		}
		// Whatever parses must stay within the bounds that keep a sign-in
		// from exhausting the server.
		if h.memory > maxHashMemory || h.time > maxHashTime || h.threads == 0 || len(h.salt) < 8 || len(h.tag) < 16 {
			t.Errorf("parsePHC(%q) accepted out-of-range values %+v", stored, h)
		}
	})
}

func TestCheckPasswordRules(t *testing.T) {
	tests := []struct {
		password string
		wantErr  bool
	}{
		{"short", true},
		{strings.Repeat("a", MinPasswordLength-1), true},
		{strings.Repeat("a", MinPasswordLength), false},
		{strings.Repeat("密", MinPasswordLength), false},
		{strings.Repeat("a", MaxPasswordLength), false},
		{strings.Repeat("a", MaxPasswordLength+1), true},
	}
	for _, tt := range tests {
		err := CheckPasswordRules(tt.password)
		if (err != nil) != tt.wantErr {
			t.Errorf("CheckPasswordRules(%d characters) = %v, want error %v", len([]rune(tt.password)), err, tt.wantErr)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("CheckPasswordRules error %v is not ErrInvalid", err)
		}
	}
}
