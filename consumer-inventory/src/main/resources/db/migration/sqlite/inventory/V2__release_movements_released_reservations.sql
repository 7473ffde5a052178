-- Compensation: a movement of kind 'release' gives a reservation back; reservations.released_at
-- marks a released reservation, and a reservation without items released from the start marks an
-- order cancelled before it was reserved, so a late OrderCreated finds it. SQLite cannot change a
-- CHECK constraint, so the ledger is rebuilt: rows copied in id order (new ids, same order; nothing
-- refers to a movement's id).
CREATE TABLE stock_movements_v2 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  product_id VARCHAR(200) NOT NULL,
  delta INTEGER NOT NULL,
  kind VARCHAR(20) NOT NULL CHECK (kind IN ('initial', 'reservation', 'adjustment', 'release')),
  order_id VARCHAR(200),
  reservation_id VARCHAR(36),
  reason VARCHAR(500),
  created_at BIGINT NOT NULL);
INSERT INTO stock_movements_v2 (product_id, delta, kind, order_id, reservation_id, reason, created_at)
  SELECT product_id, delta, kind, order_id, reservation_id, reason, created_at
  FROM stock_movements ORDER BY id;
DROP TABLE stock_movements;
ALTER TABLE stock_movements_v2 RENAME TO stock_movements;
CREATE INDEX stock_movements_by_product ON stock_movements (product_id, id);
ALTER TABLE reservations ADD COLUMN released_at BIGINT;
ALTER TABLE reservations ADD COLUMN release_reason VARCHAR(500);
