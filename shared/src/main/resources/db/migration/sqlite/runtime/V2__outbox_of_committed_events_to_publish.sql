CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id VARCHAR(36) NOT NULL,
  event_type VARCHAR(100) NOT NULL,
  exchange VARCHAR(255) NOT NULL,
  routing_key VARCHAR(255) NOT NULL,
  body BLOB NOT NULL,
  created_at BIGINT NOT NULL,
  sent_at BIGINT);
-- The publisher reads unsent rows in id order; the partial index keeps that cheap however many
-- sent rows wait for clean-up.
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
CREATE INDEX outbox_sent_at ON outbox (sent_at);
