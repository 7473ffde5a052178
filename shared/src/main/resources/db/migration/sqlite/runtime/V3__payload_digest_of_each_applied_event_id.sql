ALTER TABLE inbox ADD COLUMN payload_digest VARCHAR(64);
