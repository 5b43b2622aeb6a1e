-- Enrolment links, publication consent, transcript requests and attendance
-- uploads waiting for the organiser's confirmation, on SQLite.

-- The token of an activity's enrolment link; NULL until the organiser first
-- opens the activity's page. Each token is 32 random bytes in base64url.
ALTER TABLE activities ADD COLUMN enrolment_token TEXT;

CREATE UNIQUE INDEX activities_enrolment_token ON activities (enrolment_token);

-- A student's choice for the Records of Achievement. Without a row, an award
-- is published when the student consented at enrolment in its activity.
-- 'selected' publishes the awards listed in published_awards only.
CREATE TABLE publication_settings (
    student_id TEXT PRIMARY KEY REFERENCES students (id) ON DELETE CASCADE,
    mode       TEXT NOT NULL CHECK (mode IN ('all', 'none', 'selected')),
    updated_at TEXT NOT NULL
);

CREATE TABLE published_awards (
    award_id   TEXT PRIMARY KEY REFERENCES awards (id) ON DELETE CASCADE,
    student_id TEXT NOT NULL REFERENCES students (id) ON DELETE CASCADE
);

CREATE INDEX published_awards_student_id ON published_awards (student_id);

-- Filters of the Records of Achievement.
CREATE INDEX students_programme_year ON students (programme, year_of_entry);

CREATE TABLE transcript_requests (
    id           TEXT PRIMARY KEY,
    student_id   TEXT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    note         TEXT NOT NULL, -- delivery wishes of the student, such as a postal address
    requested_at TEXT NOT NULL
);

CREATE INDEX transcript_requests_student_id ON transcript_requests (student_id, requested_at);
CREATE INDEX transcript_requests_requested_at ON transcript_requests (requested_at);

-- An attendance file between its preview and the organiser's confirmation.
CREATE TABLE pending_uploads (
    id           TEXT PRIMARY KEY,
    activity_id  TEXT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE INDEX pending_uploads_created_at ON pending_uploads (created_at);
