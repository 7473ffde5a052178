-- order_events is the append-only event store (the source of truth; seq keeps arrival order,
-- event_id makes an append idempotent); orders is the read model folded from it, rewritten in the
-- same transaction as each append; idempotency_keys remembers which order a key of the HTTP API
-- created.
CREATE TABLE order_events (
  seq BIGSERIAL PRIMARY KEY,
  event_id VARCHAR(36) NOT NULL UNIQUE,
  order_id VARCHAR(200) NOT NULL,
  event_type VARCHAR(64) NOT NULL,
  occurred_at BIGINT NOT NULL,
  causation_id VARCHAR(200),
  stored_at BIGINT NOT NULL,
  body TEXT NOT NULL);
CREATE INDEX order_events_by_order ON order_events (order_id, seq);
CREATE TABLE orders (
  order_id VARCHAR(200) PRIMARY KEY,
  customer_id VARCHAR(200),
  status VARCHAR(20) NOT NULL,
  items TEXT NOT NULL,
  total_amount VARCHAR(64),
  rejection_reason TEXT,
  reservation_id VARCHAR(200),
  shipment_id VARCHAR(200),
  carrier VARCHAR(200),
  tracking_number VARCHAR(200),
  created_at BIGINT,
  reserved_at BIGINT,
  rejected_at BIGINT,
  shipped_at BIGINT,
  first_event_at BIGINT NOT NULL,
  last_event_at BIGINT NOT NULL,
  event_count INTEGER NOT NULL);
CREATE INDEX orders_by_customer ON orders (customer_id, first_event_at);
CREATE INDEX orders_by_status ON orders (status, first_event_at);
CREATE INDEX orders_by_time ON orders (first_event_at);
CREATE TABLE idempotency_keys (
  idempotency_key VARCHAR(200) PRIMARY KEY,
  request_sha256 VARCHAR(64) NOT NULL,
  order_id VARCHAR(200) NOT NULL,
  created_at BIGINT NOT NULL);
