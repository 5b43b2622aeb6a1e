-- Passwords, browser sessions and emailed sign-in links, on PostgreSQL.
--
-- A password hash is a PHC string of argon2id; empty means the account has
-- no password. Sessions and sign-in links are stored as the SHA-256 of
-- their secret, so that a copy of the database signs no one in.
ALTER TABLE users ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE students ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';

-- A session belongs to a staff user or to a student, never both.
CREATE TABLE sessions (
    hash         BYTEA PRIMARY KEY,
    user_id      TEXT REFERENCES users (id) ON DELETE CASCADE,
    student_id   TEXT REFERENCES students (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    CHECK ((user_id IS NULL) <> (student_id IS NULL))
);

CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_student_id ON sessions (student_id);

CREATE TABLE sign_in_links (
    hash       BYTEA PRIMARY KEY,
    student_id TEXT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

CREATE INDEX sign_in_links_student_id ON sign_in_links (student_id);
