package orderflow.inventory;

import java.util.List;
import orderflow.store.Migration;

/**
 * The inventory's tables, as versioned migrations. {@code stock_movements} is the append-only
 * ledger (the source of truth: current stock is the sum of its deltas); {@code stock} is the read
 * model that queries and the conditional decrement use, changed in the same transaction as the
 * ledger rows. {@code reservations} holds at most one reservation per order; {@code
 * rejected_orders} remembers the orders refused, so a repeat of one gets the same answer.
 *
 * <p>Version 2 (compensation): a ledger movement of kind {@code release} gives a reservation back;
 * {@code reservations.released_at} marks a released reservation, and a reservation row without
 * items that is released from the start marks an order cancelled before it was reserved, so a late
 * {@code OrderCreated} finds it (docs/architecture.md section 2). SQLite cannot change a CHECK
 * constraint, so the ledger table is rebuilt: its rows are copied in id order (new ids, same order;
 * nothing refers to a movement's id).
 */
final class InventorySchema {
  private InventorySchema() {}

  static List<Migration> migrations() {
    return List.of(
        new Migration(
            1,
            "stock ledger, stock read model, reservations",
            List.of(
                "CREATE TABLE stock_movements ("
                    + " id ${AUTO_ID},"
                    + " product_id VARCHAR(200) NOT NULL,"
                    + " delta INTEGER NOT NULL,"
                    + " kind VARCHAR(20) NOT NULL"
                    + " CHECK (kind IN ('initial', 'reservation', 'adjustment')),"
                    + " order_id VARCHAR(200),"
                    + " reservation_id VARCHAR(36),"
                    + " reason VARCHAR(500),"
                    + " created_at BIGINT NOT NULL)",
                "CREATE INDEX stock_movements_by_product ON stock_movements (product_id, id)",
                "CREATE TABLE stock ("
                    + " product_id VARCHAR(200) PRIMARY KEY,"
                    + " available INTEGER NOT NULL CHECK (available >= 0),"
                    + " reserved INTEGER NOT NULL CHECK (reserved >= 0),"
                    + " version BIGINT NOT NULL)",
                "CREATE TABLE reservations ("
                    + " reservation_id VARCHAR(36) PRIMARY KEY,"
                    + " order_id VARCHAR(200) NOT NULL UNIQUE,"
                    + " created_at BIGINT NOT NULL)",
                "CREATE TABLE reservation_items ("
                    + " reservation_id VARCHAR(36) NOT NULL"
                    + " REFERENCES reservations (reservation_id),"
                    + " product_id VARCHAR(200) NOT NULL,"
                    + " quantity INTEGER NOT NULL CHECK (quantity > 0),"
                    + " PRIMARY KEY (reservation_id, product_id))",
                "CREATE TABLE rejected_orders ("
                    + " order_id VARCHAR(200) PRIMARY KEY,"
                    + " shortages TEXT NOT NULL,"
                    + " created_at BIGINT NOT NULL)")),
        new Migration(
            2,
            "release movements, released reservations",
            List.of(
                "CREATE TABLE stock_movements_v2 ("
                    + " id ${AUTO_ID},"
                    + " product_id VARCHAR(200) NOT NULL,"
                    + " delta INTEGER NOT NULL,"
                    + " kind VARCHAR(20) NOT NULL"
                    + " CHECK (kind IN ('initial', 'reservation', 'adjustment', 'release')),"
                    + " order_id VARCHAR(200),"
                    + " reservation_id VARCHAR(36),"
                    + " reason VARCHAR(500),"
                    + " created_at BIGINT NOT NULL)",
                "INSERT INTO stock_movements_v2"
                    + " (product_id, delta, kind, order_id, reservation_id, reason, created_at)"
                    + " SELECT product_id, delta, kind, order_id, reservation_id, reason, created_at"
                    + " FROM stock_movements ORDER BY id",
                "DROP TABLE stock_movements",
                "ALTER TABLE stock_movements_v2 RENAME TO stock_movements",
                "CREATE INDEX stock_movements_by_product ON stock_movements (product_id, id)",
                "ALTER TABLE reservations ADD COLUMN released_at BIGINT",
                "ALTER TABLE reservations ADD COLUMN release_reason VARCHAR(500)")));
  }
}
