package orderflow.orderservice;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.zip.CRC32;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.store.Dialect;
import orderflow.store.Sql;
import orderflow.trace.TraceParent;

/** The append-only order event store: every event of every order, each once, as received. */
public final class OrderEventStore {
  private static final EventCodec CODEC = new EventCodec();

  private static final long LOCK_NAMESPACE = 0x4f52_4445_5253L << 32; // "ORDERS"

  /** {@code traceId}: the trace it was stored in, or null. */
  public record StoredEvent(EventEnvelope event, Instant storedAt, String traceId) {}

  /**
   * Serialises the folds of one order until the transaction ends, so no fold misses an event
   * another appends. SQLite's write transactions hold the database's lock already.
   */
  static void lock(Connection connection, Dialect dialect, String orderId) throws SQLException {
    if (dialect != Dialect.POSTGRESQL) {
      return;
    }
    CRC32 crc = new CRC32();
    crc.update(orderId.getBytes(StandardCharsets.UTF_8));
    Sql.query(
        connection, "SELECT pg_advisory_xact_lock(?)", row -> 1, LOCK_NAMESPACE ^ crc.getValue());
  }

  /** Appends {@code event} (encoded as {@code body}) with the current trace; false if held. */
  boolean append(Connection connection, EventEnvelope event, byte[] body, Instant storedAt)
      throws SQLException {
    return Sql.update(
            connection,
            "INSERT INTO order_events"
                + " (event_id, order_id, event_type, occurred_at, causation_id, stored_at, body,"
                + " traceparent) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
            event.eventId().toString(),
            event.payload().orderId(),
            event.eventType().wireName(),
            event.timestamp().toEpochMilli(),
            event.metadata().causationId(),
            storedAt.toEpochMilli(),
            new String(body, StandardCharsets.UTF_8),
            TraceParent.current().traceparent())
        == 1;
  }

  /** The order's events in the order they were stored; empty for an order never seen. */
  public List<StoredEvent> history(Connection connection, String orderId) throws SQLException {
    return Sql.query(
        connection,
        "SELECT body, stored_at, traceparent FROM order_events WHERE order_id = ? ORDER BY seq",
        row ->
            new StoredEvent(
                CODEC.decode(row.getString(1).getBytes(StandardCharsets.UTF_8)),
                Instant.ofEpochMilli(row.getLong(2)),
                new TraceParent(row.getString(3), null).traceId()),
        orderId);
  }

  /** The trace context of the order's first event stored in one; NONE when there is none. */
  public TraceParent trace(Connection connection, String orderId) throws SQLException {
    return Sql.first(
            connection,
            "SELECT traceparent FROM order_events WHERE order_id = ? AND traceparent IS NOT NULL"
                + " ORDER BY seq LIMIT 1",
            row -> new TraceParent(row.getString(1), null),
            orderId)
        .orElse(TraceParent.NONE);
  }

  public List<String> orderIds(Connection connection) throws SQLException {
    return Sql.query(
        connection,
        "SELECT DISTINCT order_id FROM order_events ORDER BY order_id",
        row -> row.getString(1));
  }

  static List<EventEnvelope> events(List<StoredEvent> history) {
    return history.stream().map(StoredEvent::event).toList();
  }
}
