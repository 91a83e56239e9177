-- The column map and layout a certificate's input was read with (JSON;
-- NULL for a plain report), so that it is read again alike.
ALTER TABLE certificate_inputs ADD COLUMN report_map TEXT;
