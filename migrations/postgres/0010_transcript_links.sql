-- The token of a student's public transcript link, which lists and checks
-- all of the student's credentials; NULL until the student first asks for
-- a transcript. Each token is 32 random bytes in base64url.
ALTER TABLE students ADD COLUMN transcript_token TEXT;

CREATE UNIQUE INDEX students_transcript_token ON students (transcript_token);
