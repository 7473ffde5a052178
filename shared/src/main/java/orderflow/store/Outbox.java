package orderflow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.publish.EventMessages;
import orderflow.publish.OutgoingMessage;
import orderflow.trace.TraceParent;

/**
 * Events committed with a state change, waiting for the process's {@link
 * orderflow.outbox.OutboxPublisher}. Adding happens in the caller's transaction, so an event exists
 * if and only if its state change committed. A row keeps everything its publish needs (routing key
 * and the properties' parts), so publishing never decodes a body.
 *
 * <p>This class is stateless and thread-safe; each call uses only the caller's connection.
 */
public final class Outbox {
  private static final EventCodec CODEC = new EventCodec();
  private static final String COLUMNS =
      "INSERT INTO outbox (event_id, event_type, exchange, routing_key, body, created_at,"
          + " correlation_id, source, event_version, occurred_at, traceparent, tracestate) VALUES";
  private static final int COLUMN_COUNT = 12;
  private static final MultiRowInsert INSERT_MANY =
      new MultiRowInsert(COLUMNS, COLUMN_COUNT, "RETURNING id, event_id");

  private Outbox() {}

  /**
   * An event to add, with the trace context it was caused in ({@link TraceParent#NONE} for none).
   */
  public record Pending(EventEnvelope event, TraceParent trace) {
    public Pending {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(trace, "trace");
    }
  }

  /**
   * Adds {@code event} for publication to {@code exchange}, inside the caller's transaction, with
   * the current span's trace context.
   *
   * @return the row's id and the message to hand to the publisher once the transaction committed
   */
  public static OutboxEntry add(Connection connection, String exchange, EventEnvelope event)
      throws SQLException {
    return addAll(connection, exchange, List.of(event)).get(0);
  }

  /**
   * Adds many events as {@link #add} does one: a few statements for a whole batch.
   *
   * @param events events with distinct ids
   * @return the entries, in the order of {@code events}
   */
  public static List<OutboxEntry> addAll(
      Connection connection, String exchange, List<EventEnvelope> events) throws SQLException {
    TraceParent trace = TraceParent.current();
    return addTraced(
        connection, exchange, events.stream().map(event -> new Pending(event, trace)).toList());
  }

  /** As {@link #addAll}, each event with its own trace context. */
  public static List<OutboxEntry> addTraced(
      Connection connection, String exchange, List<Pending> pending) throws SQLException {
    Objects.requireNonNull(exchange, "exchange");
    Map<String, Integer> positions = new HashMap<>();
    List<byte[]> bodies = new ArrayList<>(pending.size());
    for (Pending one : pending) {
      if (positions.put(one.event().eventId().toString(), bodies.size()) != null) {
        throw new IllegalArgumentException("event " + one.event().eventId() + " added twice");
      }
      bodies.add(CODEC.encode(one.event()));
    }
    long now = System.currentTimeMillis();
    OutboxEntry[] entries = new OutboxEntry[pending.size()];
    List<Integer> order = IntStream.range(0, pending.size()).boxed().toList();
    for (long[] inserted :
        INSERT_MANY.insert(
            connection,
            order,
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
            rows -> new long[] {rows.getLong(1), positions.get(rows.getString(2))})) {
      int index = (int) inserted[1];
      Pending one = pending.get(index);
      entries[index] =
          new OutboxEntry(
              inserted[0],
              new OutgoingMessage(
                  exchange,
                  one.event().routingKey(),
                  EventMessages.properties(one.event(), one.trace()),
                  bodies.get(index)));
    }
    return Arrays.asList(entries);
  }

  /** Events not yet marked sent. */
  public static long backlog(Connection connection) throws SQLException {
    try (PreparedStatement statement =
            connection.prepareStatement("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL");
        ResultSet result = statement.executeQuery()) {
      result.next();
      return result.getLong(1);
    }
  }
}
