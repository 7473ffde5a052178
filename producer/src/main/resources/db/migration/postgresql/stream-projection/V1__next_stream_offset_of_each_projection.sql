CREATE TABLE stream_offsets (
  projection VARCHAR(100) PRIMARY KEY,
  next_offset BIGINT NOT NULL,
  updated_at BIGINT NOT NULL);
