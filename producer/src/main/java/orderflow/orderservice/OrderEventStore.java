package orderflow.orderservice;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.store.Dialect;
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
    try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      lock.setLong(1, LOCK_NAMESPACE ^ crc.getValue());
      lock.execute();
    }
  }

  /** Appends {@code event} (encoded as {@code body}) with the current trace; false if held. */
  boolean append(Connection connection, EventEnvelope event, byte[] body, Instant storedAt)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO order_events"
                + " (event_id, order_id, event_type, occurred_at, causation_id, stored_at, body,"
                + " traceparent) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING")) {
      insert.setString(1, event.eventId().toString());
      insert.setString(2, event.payload().orderId());
      insert.setString(3, event.eventType().wireName());
      insert.setLong(4, event.timestamp().toEpochMilli());
      insert.setString(5, event.metadata().causationId());
      insert.setLong(6, storedAt.toEpochMilli());
      insert.setString(7, new String(body, StandardCharsets.UTF_8));
      insert.setString(8, TraceParent.current().traceparent());
      return insert.executeUpdate() == 1;
    }
  }

  /** The order's events in the order they were stored; empty for an order never seen. */
  public List<StoredEvent> history(Connection connection, String orderId) throws SQLException {
    List<StoredEvent> events = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT body, stored_at, traceparent FROM order_events WHERE order_id = ? ORDER BY seq")) {
      select.setString(1, orderId);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          events.add(
              new StoredEvent(
                  CODEC.decode(rows.getString(1).getBytes(StandardCharsets.UTF_8)),
                  Instant.ofEpochMilli(rows.getLong(2)),
                  new TraceParent(rows.getString(3), null).traceId()));
        }
      }
    }
    return events;
  }

  /** The trace context of the order's first event stored in one; NONE when there is none. */
  public TraceParent trace(Connection connection, String orderId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT traceparent FROM order_events WHERE order_id = ? AND traceparent IS NOT NULL"
                + " ORDER BY seq LIMIT 1")) {
      select.setString(1, orderId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? new TraceParent(rows.getString(1), null) : TraceParent.NONE;
      }
    }
  }

  /** Every order id that has at least one event, sorted. */
  public List<String> orderIds(Connection connection) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT DISTINCT order_id FROM order_events ORDER BY order_id");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    }
    return ids;
  }

  static List<EventEnvelope> events(List<StoredEvent> history) {
    return history.stream().map(StoredEvent::event).toList();
  }
}
