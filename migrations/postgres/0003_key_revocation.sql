-- Revocation of compromised signing keys, on PostgreSQL.
--
-- A revoked key is no longer published, and the credentials it signed are
-- re-issued.

ALTER TABLE signing_keys
    DROP CONSTRAINT signing_keys_status_check,
    ADD CONSTRAINT signing_keys_status_check CHECK (status IN ('active', 'retired', 'revoked')),
    ADD COLUMN revoked_at TIMESTAMPTZ;
