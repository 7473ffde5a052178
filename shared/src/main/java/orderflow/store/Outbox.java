package orderflow.store;

import com.rabbitmq.client.AMQP;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.publish.EventMessages;
import orderflow.publish.OutgoingMessage;
import orderflow.trace.TraceParent;

/**
 * Events added in the caller's transaction, so an event exists if and only if its state change
 * committed; {@link orderflow.outbox.OutboxPublisher} publishes them. A row keeps all its publish
 * needs, so publishing never decodes a body. Stateless and thread-safe.
 */
public final class Outbox {
  private static final EventCodec CODEC = new EventCodec();
  private static final MultiRowInsert INSERT_MANY =
      new MultiRowInsert(
          "INSERT INTO outbox (event_id, event_type, exchange, routing_key, body, created_at,"
              + " correlation_id, source, event_version, occurred_at, traceparent, tracestate)"
              + " VALUES",
          12,
          "RETURNING id, event_id");

  private Outbox() {}

  /** An event to add, with the trace context it was caused in ({@link TraceParent#NONE}: none). */
  public record Pending(EventEnvelope event, TraceParent trace) {}

  /** Adds {@code event} with the current trace context; hand the entry over after the commit. */
  public static OutboxEntry add(Connection connection, String exchange, EventEnvelope event)
      throws SQLException {
    return addTraced(connection, exchange, List.of(new Pending(event, TraceParent.current())))
        .get(0);
  }

  /** Adds events with distinct ids, each with its own trace context; entries in their order. */
  public static List<OutboxEntry> addTraced(
      Connection connection, String exchange, List<Pending> pending) throws SQLException {
    if (pending.stream().map(one -> one.event().eventId()).distinct().count() < pending.size()) {
      throw new IllegalArgumentException("an event added twice: " + pending);
    }
    List<byte[]> bodies = pending.stream().map(one -> CODEC.encode(one.event())).toList();
    long now = System.currentTimeMillis();
    Map<String, Long> ids = new HashMap<>();
    INSERT_MANY.insert(
        connection,
        IntStream.range(0, pending.size()).boxed().toList(),
        (statement, at, index) -> {
          EventEnvelope event = pending.get(index).event();
          TraceParent trace = pending.get(index).trace();
          statement.setString(at, event.eventId().toString());
          statement.setString(at + 1, event.eventType().wireName());
          statement.setString(at + 2, exchange);
          statement.setString(at + 3, event.routingKey());
          statement.setBytes(at + 4, bodies.get(index));
          statement.setLong(at + 5, now);
          statement.setString(at + 6, event.metadata().correlationId());
          statement.setString(at + 7, event.metadata().source());
          statement.setString(at + 8, event.metadata().version());
          statement.setLong(at + 9, event.timestamp().toEpochMilli());
          statement.setString(at + 10, trace.traceparent());
          statement.setString(at + 11, trace.tracestate());
        },
        rows -> ids.put(rows.getString(2), rows.getLong(1)));
    List<OutboxEntry> entries = new ArrayList<>(pending.size());
    for (int i = 0; i < pending.size(); i++) {
      EventEnvelope event = pending.get(i).event();
      AMQP.BasicProperties properties = EventMessages.properties(event, pending.get(i).trace());
      entries.add(
          new OutboxEntry(
              ids.get(event.eventId().toString()),
              new OutgoingMessage(exchange, event.routingKey(), properties, bodies.get(i))));
    }
    return entries;
  }

  /** Events not yet marked sent. */
  public static long backlog(Connection connection) throws SQLException {
    return Sql.first(
            connection, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL", r -> r.getLong(1))
        .orElseThrow();
  }

  /**
   * Up to {@code limit} unsent rows in id order. With {@code lock} (PostgreSQL) they stay locked
   * until the caller's transaction ends and rows another instance holds are skipped, so no two
   * instances publish one row.
   */
  public static List<OutboxEntry> unsent(Connection connection, int limit, boolean lock)
      throws SQLException {
    String sql =
        "SELECT id, event_id, event_type, exchange, routing_key, body, correlation_id, source,"
            + " event_version, occurred_at, traceparent, tracestate FROM outbox"
            + " WHERE sent_at IS NULL ORDER BY id LIMIT ?"
            + (lock ? " FOR UPDATE SKIP LOCKED" : "");
    return Sql.query(
        connection,
        sql,
        result -> {
          long occurredAt = result.getLong(10);
          AMQP.BasicProperties properties =
              EventMessages.properties(
                  result.getString(2),
                  result.getString(3),
                  result.wasNull() ? null : occurredAt,
                  result.getString(7),
                  result.getString(8),
                  result.getString(9),
                  new TraceParent(result.getString(11), result.getString(12)));
          return new OutboxEntry(
              result.getLong(1),
              new OutgoingMessage(
                  result.getString(4), result.getString(5), properties, result.getBytes(6)));
        },
        limit);
  }

  /** Which of {@code ids} (not empty) are still unsent; {@code lock} as in {@link #unsent}. */
  public static Set<Long> stillUnsent(Connection connection, Collection<Long> ids, boolean lock)
      throws SQLException {
    String sql =
        "SELECT id FROM outbox WHERE sent_at IS NULL AND id IN ("
            + idList(ids)
            + ")"
            + (lock ? " FOR UPDATE SKIP LOCKED" : "");
    return new HashSet<>(Sql.query(connection, sql, result -> result.getLong(1)));
  }

  /** Lets the caller's transaction idle for {@link Database#PUBLISHER_IDLE_IN_TRANSACTION}. */
  public static void allowPublisherIdle(Connection transaction) throws SQLException {
    Sql.update(
        transaction,
        "SET LOCAL idle_in_transaction_session_timeout = "
            + Database.PUBLISHER_IDLE_IN_TRANSACTION.toMillis());
  }

  public static void markSent(Connection connection, Collection<Long> ids, long sentAt)
      throws SQLException {
    if (!ids.isEmpty()) {
      Sql.update(
          connection,
          "UPDATE outbox SET sent_at = ? WHERE sent_at IS NULL AND id IN (" + idList(ids) + ")",
          sentAt);
    }
  }

  /** Deletes up to {@code limit} rows marked sent before {@code cutoff} (epoch millis). */
  public static int pruneSent(Connection connection, long cutoff, int limit) throws SQLException {
    return Sql.update(
        connection,
        "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE sent_at < ? LIMIT ?)",
        cutoff,
        limit);
  }

  /** Ids are longs read from the table: inlining them is safe and keeps one statement a batch. */
  private static String idList(Collection<Long> ids) {
    return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
  }
}
