-- SQLite has no TRUNCATE: DELETE without WHERE fires the append-only
-- tables' BEFORE DELETE triggers like any other (0105 on PostgreSQL blocks
-- TRUNCATE there). Nothing to change here.
SELECT 1;
