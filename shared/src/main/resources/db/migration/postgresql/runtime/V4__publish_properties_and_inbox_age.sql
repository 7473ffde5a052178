-- Rows written before keep NULLs: they are published with the properties the columns they do have
-- give (message id, type).
ALTER TABLE outbox ADD COLUMN correlation_id VARCHAR(200);
ALTER TABLE outbox ADD COLUMN source VARCHAR(200);
ALTER TABLE outbox ADD COLUMN event_version VARCHAR(20);
ALTER TABLE outbox ADD COLUMN occurred_at BIGINT;
CREATE INDEX inbox_received_at ON inbox (received_at);
