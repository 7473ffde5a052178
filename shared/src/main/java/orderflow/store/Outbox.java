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
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.publish.EventMessages;
import orderflow.publish.OutgoingMessage;

/**
 * Events committed with a state change, waiting to be published by an {@link
 * orderflow.outbox.OutboxRelay}. Adding happens in the caller's transaction, so an event exists if
 * and only if its state change committed.
 *
 * <p>This class is stateless and thread-safe; each call uses only the caller's connection.
 */
public final class Outbox {
  private static final EventCodec CODEC = new EventCodec();

  private Outbox() {}

  /**
   * Adds {@code event} for publication to {@code exchange}, inside the caller's transaction.
   *
   * @return the row's id and the message to publish once the transaction has committed
   */
  public static OutboxEntry add(Connection connection, String exchange, EventEnvelope event)
      throws SQLException {
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(event, "event");
    byte[] body = CODEC.encode(event);
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO outbox (event_id, event_type, exchange, routing_key, body, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
      statement.setString(1, event.eventId().toString());
      statement.setString(2, event.eventType().wireName());
      statement.setString(3, exchange);
      statement.setString(4, event.routingKey());
      statement.setBytes(5, body);
      statement.setLong(6, System.currentTimeMillis());
      try (ResultSet inserted = statement.executeQuery()) {
        inserted.next();
        return new OutboxEntry(
            inserted.getLong(1),
            new OutgoingMessage(
                exchange, event.routingKey(), EventMessages.properties(event), body));
      }
    }
  }

  private static final MultiRowInsert INSERT_MANY =
      new MultiRowInsert(
          "INSERT INTO outbox (event_id, event_type, exchange, routing_key, body, created_at)"
              + " VALUES",
          6,
          "RETURNING id, event_id");

  /**
   * Adds many events as {@link #add} does one: a few statements for a whole batch.
   *
   * @param events events with distinct ids
   * @return the entries, in the order of {@code events}
   */
  public static List<OutboxEntry> addAll(
      Connection connection, String exchange, List<EventEnvelope> events) throws SQLException {
    Objects.requireNonNull(exchange, "exchange");
    List<byte[]> bodies = new ArrayList<>(events.size());
    Map<String, Integer> positions = new HashMap<>();
    for (EventEnvelope event : events) {
      if (positions.put(event.eventId().toString(), bodies.size()) != null) {
        throw new IllegalArgumentException("event " + event.eventId() + " added twice");
      }
      bodies.add(CODEC.encode(event));
    }
    long now = System.currentTimeMillis();
    List<Integer> order = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      order.add(i);
    }
    OutboxEntry[] entries = new OutboxEntry[events.size()];
    for (long[] inserted :
        INSERT_MANY.insert(
            connection,
            order,
            (statement, at, index) -> {
              EventEnvelope event = events.get(index);
              statement.setString(at, event.eventId().toString());
              statement.setString(at + 1, event.eventType().wireName());
              statement.setString(at + 2, exchange);
              statement.setString(at + 3, event.routingKey());
              statement.setBytes(at + 4, bodies.get(index));
              statement.setLong(at + 5, now);
            },
            rows -> new long[] {rows.getLong(1), positions.get(rows.getString(2))})) {
      int index = (int) inserted[1];
      EventEnvelope event = events.get(index);
      entries[index] =
          new OutboxEntry(
              inserted[0],
              new OutgoingMessage(
                  exchange,
                  event.routingKey(),
                  EventMessages.properties(event),
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
