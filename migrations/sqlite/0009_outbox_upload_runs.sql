-- The institution's colours for emails, emails kept because no SMTP server
-- is configured, and attendance uploads
-- issued by a background job, on SQLite. River's job tables come from
-- River's own migrations, which laurel migrate applies after these.
CREATE TABLE outbox_messages (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    recipients  TEXT NOT NULL, -- addresses separated by newlines
    subject     TEXT NOT NULL,
    text_body   TEXT NOT NULL,
    html_body   TEXT NOT NULL,
    attachments TEXT NOT NULL DEFAULT '', -- file names separated by newlines
    created_at  TEXT NOT NULL
);

CREATE INDEX outbox_messages_created_at ON outbox_messages (created_at);

CREATE TABLE upload_runs (
    id           TEXT PRIMARY KEY,
    activity_id  TEXT NOT NULL REFERENCES activities (id),
    requested_by TEXT NOT NULL REFERENCES users (id),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    original     BLOB NOT NULL,
    withhold     TEXT NOT NULL DEFAULT '', -- student numbers separated by newlines
    state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    done         INTEGER NOT NULL DEFAULT 0,
    total        INTEGER NOT NULL DEFAULT 0,
    upload_id    TEXT REFERENCES uploads (id),
    result       BLOB, -- JSON of the upload result
    error        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

-- Colours as #rrggbb; empty means Laurel's defaults.
ALTER TABLE issuer_profile ADD COLUMN color TEXT NOT NULL DEFAULT '';
ALTER TABLE issuer_profile ADD COLUMN accent_color TEXT NOT NULL DEFAULT '';
