-- Initial schema on PostgreSQL.
--
-- Ids are UUIDs stored as TEXT, so that both dialects compare them the same
-- way. Timestamps are timestamptz (microsecond precision); NULL stands for
-- "not set". Codes and student numbers use the "C" collation so that they
-- sort by bytes, as on SQLite.

-- The issuer profile is a single row, id 1.
CREATE TABLE issuer_profile (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    url         TEXT NOT NULL,
    email       TEXT NOT NULL,
    description TEXT NOT NULL,
    image_url   TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    email      TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'organiser')),
    can_upload BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- Only the SHA-256 of a token's secret is stored.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    hash         BYTEA NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ
);

CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

CREATE TABLE achievements (
    id               TEXT PRIMARY KEY,
    code             TEXT COLLATE "C" NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    description      TEXT NOT NULL,
    criteria         TEXT NOT NULL,
    criteria_url     TEXT NOT NULL,
    achievement_type TEXT NOT NULL,
    tags             TEXT NOT NULL, -- JSON array of strings
    min_hours        DOUBLE PRECISION NOT NULL,
    valid_for_days   INTEGER NOT NULL,
    image_type       TEXT NOT NULL,
    image_data       BYTEA NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE students (
    id            TEXT PRIMARY KEY,
    number        TEXT COLLATE "C" NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    chinese_name  TEXT NOT NULL,
    email         TEXT NOT NULL,
    programme     TEXT NOT NULL,
    year_of_entry INTEGER NOT NULL,
    study_mode    TEXT NOT NULL CHECK (study_mode IN ('', 'full-time', 'part-time')),
    status        TEXT NOT NULL CHECK (status IN ('current', 'graduated')),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE INDEX students_status ON students (status, number);

CREATE TABLE activities (
    id              TEXT PRIMARY KEY,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL,
    unit            TEXT NOT NULL,
    start_date      TIMESTAMPTZ,
    end_date        TIMESTAMPTZ,
    hours           DOUBLE PRECISION NOT NULL,
    extracurricular BOOLEAN NOT NULL,
    open_to_all     BOOLEAN NOT NULL,
    min_attendance  DOUBLE PRECISION NOT NULL,
    organiser_id    TEXT REFERENCES users (id), -- NULL for admin-created activities
    created_at      TIMESTAMPTZ NOT NULL
);

CREATE INDEX activities_created_at ON activities (created_at);
CREATE INDEX activities_organiser_id ON activities (organiser_id, created_at);

-- position keeps the order in which the organiser listed the achievements.
CREATE TABLE activity_achievements (
    activity_id    TEXT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    achievement_id TEXT NOT NULL REFERENCES achievements (id),
    position       INTEGER NOT NULL,
    PRIMARY KEY (activity_id, achievement_id)
);

CREATE INDEX activity_achievements_achievement_id ON activity_achievements (achievement_id);

CREATE TABLE enrolments (
    activity_id     TEXT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    student_id      TEXT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    publish_consent BOOLEAN NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (activity_id, student_id)
);

CREATE INDEX enrolments_student_id ON enrolments (student_id);

CREATE TABLE signing_keys (
    id                TEXT PRIMARY KEY,
    algorithm         TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('active', 'retired')),
    public_jwk        BYTEA NOT NULL,
    encrypted_private BYTEA NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    retired_at        TIMESTAMPTZ
);

-- At most one active key. Two processes that each create a first key on an
-- empty database conflict here, so that they agree on one key.
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (status) WHERE status = 'active';

CREATE TABLE uploads (
    id           TEXT PRIMARY KEY,
    activity_id  TEXT NOT NULL REFERENCES activities (id),
    uploaded_by  TEXT REFERENCES users (id),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    original     BYTEA NOT NULL, -- the file exactly as uploaded
    sha256       TEXT NOT NULL, -- hex digest of original
    row_count    INTEGER NOT NULL,
    award_count  INTEGER NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);

CREATE INDEX uploads_activity_id ON uploads (activity_id, created_at);

-- An award owns exactly one credential, stored in the credential_* columns.
-- Re-uploading the same attendance never creates a second award.
-- credential_document is TEXT rather than jsonb so that the bytes that were
-- signed are returned unchanged.
CREATE TABLE awards (
    id                  TEXT PRIMARY KEY,
    activity_id         TEXT NOT NULL REFERENCES activities (id),
    student_id          TEXT NOT NULL REFERENCES students (id),
    achievement_id      TEXT NOT NULL REFERENCES achievements (id),
    upload_id           TEXT REFERENCES uploads (id),
    status              TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    issued_at           TIMESTAMPTZ NOT NULL,
    credential_id       TEXT NOT NULL UNIQUE,
    credential_key_id   TEXT NOT NULL,
    credential_jws      TEXT NOT NULL, -- compact JWS (VC-JWT)
    credential_document TEXT NOT NULL, -- credential JSON without JWT claims
    UNIQUE (activity_id, student_id, achievement_id)
);

-- A JWS is base64url text, which compresses poorly, so PostgreSQL stores
-- it out of line without trying to compress it; the saved CPU time makes a
-- large upload faster.
ALTER TABLE awards ALTER COLUMN credential_jws SET STORAGE EXTERNAL;

CREATE INDEX awards_issued_at ON awards (issued_at);
CREATE INDEX awards_student_id ON awards (student_id, issued_at);
CREATE INDEX awards_upload_id ON awards (upload_id, issued_at);

-- The audit log is append-only: the triggers reject UPDATE and DELETE.
CREATE TABLE audit_log (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       TIMESTAMPTZ NOT NULL,
    actor_id TEXT NOT NULL,
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL,
    detail   TEXT NOT NULL,
    remote   TEXT NOT NULL
);

CREATE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
