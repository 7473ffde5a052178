-- Timestamps are epoch milliseconds. order_id is unique: one shipment per order, whatever the
-- broker redelivers.
CREATE TABLE shipments (
  shipment_id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL UNIQUE,
  reservation_id TEXT NOT NULL,
  carrier TEXT NOT NULL,
  tracking_number TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL);
CREATE INDEX shipments_by_created_at ON shipments (created_at);
CREATE TABLE shipment_items (
  shipment_id TEXT NOT NULL REFERENCES shipments (shipment_id),
  line_no INTEGER NOT NULL,
  product_id TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (shipment_id, line_no));
