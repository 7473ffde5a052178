package orderflow.orderservice;

import java.util.List;
import orderflow.store.Migration;

/**
 * The order service's tables, as versioned migrations. {@code order_events} is the append-only
 * event store (the source of truth; {@code seq} keeps arrival order, {@code event_id} makes an
 * append idempotent); {@code orders} is the read model folded from it, rewritten in the same
 * transaction as each append; {@code idempotency_keys} remembers which order a key of the HTTP API
 * created; {@code customer_keys} holds each customer's data key, wrapped, until it is erased
 * ({@link orderflow.privacy.CustomerKeys}).
 */
final class OrderSchema {
  static final String COMPONENT = "orders";

  private OrderSchema() {}

  static List<Migration> migrations() {
    return List.of(
        new Migration(
            1,
            "order event store, order read model, idempotency keys",
            List.of(
                "CREATE TABLE order_events ("
                    + " seq ${AUTO_ID},"
                    + " event_id VARCHAR(36) NOT NULL UNIQUE,"
                    + " order_id VARCHAR(200) NOT NULL,"
                    + " event_type VARCHAR(64) NOT NULL,"
                    + " occurred_at BIGINT NOT NULL,"
                    + " causation_id VARCHAR(200),"
                    + " stored_at BIGINT NOT NULL,"
                    + " body TEXT NOT NULL)",
                "CREATE INDEX order_events_by_order ON order_events (order_id, seq)",
                "CREATE TABLE orders ("
                    + " order_id VARCHAR(200) PRIMARY KEY,"
                    + " customer_id VARCHAR(200),"
                    + " status VARCHAR(20) NOT NULL,"
                    + " items TEXT NOT NULL,"
                    + " total_amount VARCHAR(64),"
                    + " rejection_reason TEXT,"
                    + " reservation_id VARCHAR(200),"
                    + " shipment_id VARCHAR(200),"
                    + " carrier VARCHAR(200),"
                    + " tracking_number VARCHAR(200),"
                    + " created_at BIGINT,"
                    + " reserved_at BIGINT,"
                    + " rejected_at BIGINT,"
                    + " shipped_at BIGINT,"
                    + " first_event_at BIGINT NOT NULL,"
                    + " last_event_at BIGINT NOT NULL,"
                    + " event_count INTEGER NOT NULL)",
                "CREATE INDEX orders_by_customer ON orders (customer_id, first_event_at)",
                "CREATE INDEX orders_by_status ON orders (status, first_event_at)",
                "CREATE INDEX orders_by_time ON orders (first_event_at)",
                "CREATE TABLE idempotency_keys ("
                    + " idempotency_key VARCHAR(200) PRIMARY KEY,"
                    + " request_sha256 VARCHAR(64) NOT NULL,"
                    + " order_id VARCHAR(200) NOT NULL,"
                    + " created_at BIGINT NOT NULL)")),
        new Migration(
            2,
            "cancelled and failed orders: reasons and times",
            List.of(
                "ALTER TABLE orders ADD COLUMN cancellation_reason TEXT",
                "ALTER TABLE orders ADD COLUMN cancellation_refusal TEXT",
                "ALTER TABLE orders ADD COLUMN failure_reason TEXT",
                "ALTER TABLE orders ADD COLUMN cancelled_at BIGINT",
                "ALTER TABLE orders ADD COLUMN failed_at BIGINT",
                "ALTER TABLE orders ADD COLUMN released_at BIGINT")),
        new Migration(
            3,
            "the W3C trace context each event was stored in",
            // NULL when tracing was off. An operator goes from an order to its trace; a later
            // cancellation continues the trace its order was placed in.
            List.of("ALTER TABLE order_events ADD COLUMN traceparent TEXT")),
        new Migration(
            4,
            "customer data keys, wrapped by a master key; a tombstone once erased",
            List.of(
                "CREATE TABLE customer_keys ("
                    + " customer_id VARCHAR(200) PRIMARY KEY,"
                    + " key_id VARCHAR(64),"
                    + " master_key_id VARCHAR(64),"
                    + " wrapped_key VARCHAR(200),"
                    + " created_at BIGINT NOT NULL,"
                    + " erased_at BIGINT)")));
  }
}
