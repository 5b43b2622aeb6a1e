-- Revocation with W3C Bitstring Status Lists, on SQLite.
--
-- Credentials move out of awards into a table of their own, so that an
-- award can get a corrected successor while the credential it replaced
-- stays resolvable, revoked, at its URL. Every credential issued from this
-- version on has an entry in a status list; earlier ones have none.

CREATE TABLE status_lists (
    id         TEXT PRIMARY KEY,
    purpose    TEXT NOT NULL CHECK (purpose IN ('revocation')),
    size       INTEGER NOT NULL CHECK (size >= 131072 AND size % 8 = 0),
    revision   INTEGER NOT NULL, -- incremented at every change of a bit; caches compare it
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL     -- time of the last change of a bit
);

CREATE INDEX status_lists_newest ON status_lists (purpose, created_at);

-- One row per entry of every list, created with the list. An upload
-- reserves free entries at random inside its own transaction; reserved is
-- never cleared after a commit, so an index is never reused. A transaction
-- that rolls back leaves its entries free.
CREATE TABLE status_entries (
    status_list_id TEXT NOT NULL REFERENCES status_lists (id),
    status_index   INTEGER NOT NULL CHECK (status_index >= 0),
    reserved       INTEGER NOT NULL,
    PRIMARY KEY (status_list_id, status_index)
) WITHOUT ROWID;

-- SQLite cannot drop a UNIQUE column, so awards is rebuilt without the
-- credential columns. credential_id names the award's current credential.
-- Sessions are 0 of 0 for awards issued before they were recorded.
CREATE TABLE awards_new (
    id                TEXT PRIMARY KEY,
    activity_id       TEXT NOT NULL REFERENCES activities (id),
    student_id        TEXT NOT NULL REFERENCES students (id),
    achievement_id    TEXT NOT NULL REFERENCES achievements (id),
    upload_id         TEXT REFERENCES uploads (id),
    status            TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    issued_at         TEXT NOT NULL,
    credential_id     TEXT NOT NULL UNIQUE,
    sessions_attended INTEGER NOT NULL,
    sessions_total    INTEGER NOT NULL,
    UNIQUE (activity_id, student_id, achievement_id)
);

INSERT INTO awards_new (
    id, activity_id, student_id, achievement_id, upload_id, status, issued_at,
    credential_id, sessions_attended, sessions_total
)
SELECT
    id, activity_id, student_id, achievement_id, upload_id, status, issued_at,
    credential_id, 0, 0
FROM awards;

-- One row per signed credential. A replaced credential is revoked and
-- points to its successor in replaced_by; the successor points back in
-- replaces. jws and document hold the bytes that were signed.
CREATE TABLE credentials (
    id                TEXT PRIMARY KEY,
    award_id          TEXT NOT NULL REFERENCES awards_new (id),
    key_id            TEXT NOT NULL,
    jws               TEXT NOT NULL, -- compact JWS (VC-JWT)
    document          TEXT NOT NULL, -- credential JSON without JWT claims
    issued_at         TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    status_list_id    TEXT,          -- NULL for credentials issued before status lists
    status_index      INTEGER,
    revoked_at        TEXT,
    revocation_reason TEXT NOT NULL,
    revoked_by        TEXT NOT NULL,
    replaces          TEXT REFERENCES credentials (id),
    replaced_by       TEXT REFERENCES credentials (id),
    UNIQUE (status_list_id, status_index),
    FOREIGN KEY (status_list_id, status_index) REFERENCES status_entries (status_list_id, status_index),
    CHECK ((status_list_id IS NULL) = (status_index IS NULL))
);

INSERT INTO credentials (
    id, award_id, key_id, jws, document, issued_at, status,
    status_list_id, status_index, revoked_at, revocation_reason, revoked_by, replaces, replaced_by
)
SELECT
    credential_id, id, credential_key_id, credential_jws, credential_document, issued_at, status,
    NULL, NULL, NULL, '', '', NULL, NULL
FROM awards;

DROP TABLE awards;

-- SQLite 3.26 and later rewrite the foreign key of credentials to the new name.
ALTER TABLE awards_new RENAME TO awards;

CREATE INDEX awards_issued_at ON awards (issued_at);
CREATE INDEX awards_student_id ON awards (student_id, issued_at);
CREATE INDEX awards_upload_id ON awards (upload_id, issued_at);

CREATE INDEX credentials_award_id ON credentials (award_id, issued_at);
CREATE INDEX credentials_key_id ON credentials (key_id, status);
CREATE INDEX credentials_revoked ON credentials (status_list_id, status_index) WHERE status = 'revoked';
CREATE INDEX status_entries_free ON status_entries (status_list_id) WHERE NOT reserved;
