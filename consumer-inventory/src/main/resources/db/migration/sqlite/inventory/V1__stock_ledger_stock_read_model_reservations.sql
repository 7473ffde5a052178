-- stock_movements is the append-only ledger (the source of truth: current stock is the sum of its
-- deltas); stock is the read model that queries and the conditional decrement use, changed in the
-- same transaction as the ledger rows. reservations holds at most one reservation per order;
-- rejected_orders remembers the orders refused, so a repeat of one gets the same answer.
CREATE TABLE stock_movements (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  product_id VARCHAR(200) NOT NULL,
  delta INTEGER NOT NULL,
  kind VARCHAR(20) NOT NULL CHECK (kind IN ('initial', 'reservation', 'adjustment')),
  order_id VARCHAR(200),
  reservation_id VARCHAR(36),
  reason VARCHAR(500),
  created_at BIGINT NOT NULL);
CREATE INDEX stock_movements_by_product ON stock_movements (product_id, id);
CREATE TABLE stock (
  product_id VARCHAR(200) PRIMARY KEY,
  available INTEGER NOT NULL CHECK (available >= 0),
  reserved INTEGER NOT NULL CHECK (reserved >= 0),
  version BIGINT NOT NULL);
CREATE TABLE reservations (
  reservation_id VARCHAR(36) PRIMARY KEY,
  order_id VARCHAR(200) NOT NULL UNIQUE,
  created_at BIGINT NOT NULL);
CREATE TABLE reservation_items (
  reservation_id VARCHAR(36) NOT NULL REFERENCES reservations (reservation_id),
  product_id VARCHAR(200) NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (reservation_id, product_id));
CREATE TABLE rejected_orders (
  order_id VARCHAR(200) PRIMARY KEY,
  shortages TEXT NOT NULL,
  created_at BIGINT NOT NULL);
