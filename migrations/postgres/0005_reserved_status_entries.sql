-- Keep status_entries for reserved entries only, on PostgreSQL.
--
-- Version 2 wrote one row per entry of every list when the list was made,
-- and marked rows reserved. Writing 131,072 rows per list made a new list
-- slow, so a row is now written when its entry is reserved, and the rows
-- of free entries go away.

DROP INDEX status_entries_free;

DELETE FROM status_entries WHERE NOT reserved;

ALTER TABLE status_entries DROP COLUMN reserved;
