-- PostgreSQL's 0117 compresses stored files with lz4; SQLite stores them as
-- they are, so there is nothing to change here.
SELECT 1;
