-- Revocation with W3C Bitstring Status Lists, on PostgreSQL.
--
-- Credentials move out of awards into a table of their own, so that an
-- award can get a corrected successor while the credential it replaced
-- stays resolvable, revoked, at its URL. Every credential issued from this
-- version on has an entry in a status list; earlier ones have none.

CREATE TABLE status_lists (
    id         TEXT PRIMARY KEY,
    purpose    TEXT NOT NULL CHECK (purpose IN ('revocation')),
    size       INTEGER NOT NULL CHECK (size >= 131072 AND size % 8 = 0),
    revision   BIGINT NOT NULL,     -- incremented at every change of a bit; caches compare it
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL -- time of the last change of a bit
);

CREATE INDEX status_lists_newest ON status_lists (purpose, created_at);

-- One row per entry of every list, created with the list. An upload
-- reserves free entries at random inside its own transaction; reserved is
-- never cleared after a commit, so an index is never reused. A transaction
-- that rolls back leaves its entries free.
CREATE TABLE status_entries (
    status_list_id TEXT NOT NULL REFERENCES status_lists (id),
    status_index   INTEGER NOT NULL CHECK (status_index >= 0),
    reserved       BOOLEAN NOT NULL,
    PRIMARY KEY (status_list_id, status_index)
);

-- One row per signed credential. A replaced credential is revoked and
-- points to its successor in replaced_by; the successor points back in
-- replaces. jws and document hold the bytes that were signed, as TEXT
-- rather than jsonb so that they come back unchanged.
CREATE TABLE credentials (
    id                TEXT PRIMARY KEY,
    award_id          TEXT NOT NULL REFERENCES awards (id),
    key_id            TEXT NOT NULL,
    jws               TEXT NOT NULL, -- compact JWS (VC-JWT)
    document          TEXT NOT NULL, -- credential JSON without JWT claims
    issued_at         TIMESTAMPTZ NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    status_list_id    TEXT,          -- NULL for credentials issued before status lists
    status_index      INTEGER,
    revoked_at        TIMESTAMPTZ,
    revocation_reason TEXT NOT NULL,
    revoked_by        TEXT NOT NULL,
    replaces          TEXT REFERENCES credentials (id),
    replaced_by       TEXT REFERENCES credentials (id),
    UNIQUE (status_list_id, status_index),
    FOREIGN KEY (status_list_id, status_index) REFERENCES status_entries (status_list_id, status_index),
    CHECK ((status_list_id IS NULL) = (status_index IS NULL))
);

-- A JWS is base64url text, which compresses poorly, so it is stored out of
-- line without trying to compress it, as awards.credential_jws was.
ALTER TABLE credentials ALTER COLUMN jws SET STORAGE EXTERNAL;

INSERT INTO credentials (
    id, award_id, key_id, jws, document, issued_at, status,
    status_list_id, status_index, revoked_at, revocation_reason, revoked_by, replaces, replaced_by
)
SELECT
    credential_id, id, credential_key_id, credential_jws, credential_document, issued_at, status,
    NULL, NULL, NULL, '', '', NULL, NULL
FROM awards;

-- credential_id now names the award's current credential. Sessions are 0
-- of 0 for awards issued before they were recorded.
ALTER TABLE awards
    DROP COLUMN credential_key_id,
    DROP COLUMN credential_jws,
    DROP COLUMN credential_document,
    ADD COLUMN sessions_attended INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN sessions_total INTEGER NOT NULL DEFAULT 0;

ALTER TABLE awards
    ALTER COLUMN sessions_attended DROP DEFAULT,
    ALTER COLUMN sessions_total DROP DEFAULT;

CREATE INDEX credentials_award_id ON credentials (award_id, issued_at);
CREATE INDEX credentials_key_id ON credentials (key_id, status);
CREATE INDEX credentials_revoked ON credentials (status_list_id, status_index) WHERE status = 'revoked';
CREATE INDEX status_entries_free ON status_entries (status_list_id) WHERE NOT reserved;
