package orderflow.shipping;

import java.util.List;
import orderflow.store.Migration;

/**
 * The shipping service's tables. Portable SQL (SQLite and PostgreSQL); timestamps are epoch
 * milliseconds. {@code order_id} is unique: one shipment per order, whatever the broker redelivers.
 */
final class ShippingSchema {
  static final List<Migration> MIGRATIONS =
      List.of(
          new Migration(
              1,
              "shipments and their items",
              List.of(
                  "CREATE TABLE shipments ("
                      + " shipment_id TEXT PRIMARY KEY,"
                      + " order_id TEXT NOT NULL UNIQUE,"
                      + " reservation_id TEXT NOT NULL,"
                      + " carrier TEXT NOT NULL,"
                      + " tracking_number TEXT NOT NULL UNIQUE,"
                      + " status TEXT NOT NULL,"
                      + " created_at BIGINT NOT NULL,"
                      + " updated_at BIGINT NOT NULL)",
                  "CREATE INDEX shipments_by_created_at ON shipments (created_at)",
                  "CREATE TABLE shipment_items ("
                      + " shipment_id TEXT NOT NULL REFERENCES shipments (shipment_id),"
                      + " line_no INTEGER NOT NULL,"
                      + " product_id TEXT NOT NULL,"
                      + " quantity INTEGER NOT NULL CHECK (quantity > 0),"
                      + " PRIMARY KEY (shipment_id, line_no))")),
          new Migration(
              2,
              "one outcome per order: shipped, cancelled or failed",
              List.of(
                  "CREATE TABLE order_outcomes ("
                      + " order_id TEXT PRIMARY KEY,"
                      + " outcome TEXT NOT NULL"
                      + " CHECK (outcome IN ('SHIPPED', 'CANCELLED', 'FAILED')),"
                      + " reason TEXT,"
                      + " decided_at BIGINT NOT NULL)",
                  "INSERT INTO order_outcomes (order_id, outcome, reason, decided_at)"
                      + " SELECT order_id, 'SHIPPED', NULL, created_at FROM shipments")));

  private ShippingSchema() {}
}
