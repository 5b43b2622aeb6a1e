-- Revocation of compromised signing keys, on SQLite.
--
-- A revoked key is no longer published, and the credentials it signed are
-- re-issued. SQLite cannot change a CHECK constraint, so signing_keys is
-- rebuilt; no table references it.

CREATE TABLE signing_keys_new (
    id                TEXT PRIMARY KEY,
    algorithm         TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('active', 'retired', 'revoked')),
    public_jwk        BLOB NOT NULL,
    encrypted_private BLOB NOT NULL,
    created_at        TEXT NOT NULL,
    retired_at        TEXT,
    revoked_at        TEXT
);

INSERT INTO signing_keys_new (id, algorithm, status, public_jwk, encrypted_private, created_at, retired_at, revoked_at)
SELECT id, algorithm, status, public_jwk, encrypted_private, created_at, retired_at, NULL
FROM signing_keys;

DROP TABLE signing_keys;

ALTER TABLE signing_keys_new RENAME TO signing_keys;

-- At most one active key, as before.
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (status) WHERE status = 'active';
