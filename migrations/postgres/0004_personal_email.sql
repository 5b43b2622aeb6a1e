-- Personal email addresses of students, on PostgreSQL, so that alumni can
-- sign in after their institutional address lapses. Empty means not known.
ALTER TABLE students ADD COLUMN personal_email TEXT NOT NULL DEFAULT '';
