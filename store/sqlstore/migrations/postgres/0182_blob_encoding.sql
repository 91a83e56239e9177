-- How a blob's content is stored: '' as given, 's2' an S2 stream the
-- store compressed (SQLite, for contents of 64 KiB or more that shrink:
-- sqlstore.encodeBlob). size and sha256 stay those of the content itself.
ALTER TABLE blobs ADD COLUMN encoding TEXT NOT NULL DEFAULT '' CHECK (encoding IN ('', 's2'));
