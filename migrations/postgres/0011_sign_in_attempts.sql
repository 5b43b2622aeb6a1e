-- Sign-in attempt counts, on PostgreSQL, shared by every server on the
-- database so that limits hold across processes and restarts.
--
-- One row per limit kind (client, login, email, password change) and key
-- counts the attempts in a fixed window that starts at the first attempt.
-- The key is the SHA-256 of the client address, login or email, so that
-- text typed into a login field, sometimes a password, is not stored.
CREATE TABLE sign_in_attempts (
    kind         TEXT NOT NULL,
    key_hash     BYTEA NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    attempts     INTEGER NOT NULL CHECK (attempts >= 0),
    PRIMARY KEY (kind, key_hash)
);

-- Expired windows are deleted by start time.
CREATE INDEX sign_in_attempts_window_start ON sign_in_attempts (window_start);
