-- Cover the awards part of the Records of Achievement query. Award rows
-- carry the signed credential, so reading them costs kilobytes per award;
-- this index holds every column the query reads from awards.
CREATE INDEX awards_records ON awards (student_id, activity_id, status, achievement_id);
