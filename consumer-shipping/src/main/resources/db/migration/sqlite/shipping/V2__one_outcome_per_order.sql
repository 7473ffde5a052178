-- Shipped, cancelled or failed.
CREATE TABLE order_outcomes (
  order_id TEXT PRIMARY KEY,
  outcome TEXT NOT NULL CHECK (outcome IN ('SHIPPED', 'CANCELLED', 'FAILED')),
  reason TEXT,
  decided_at BIGINT NOT NULL);
INSERT INTO order_outcomes (order_id, outcome, reason, decided_at)
  SELECT order_id, 'SHIPPED', NULL, created_at FROM shipments;
