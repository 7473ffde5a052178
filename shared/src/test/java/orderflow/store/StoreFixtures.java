package orderflow.store;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.envelope.OrderShipped;
import orderflow.trace.TraceParent;

/** Events and queries shared by the store tests. */
public final class StoreFixtures {
  private StoreFixtures() {}

  public static EventEnvelope orderCreated() {
    String orderId = UUID.randomUUID().toString();
    return EventEnvelope.first(
        OrderCreated.of(
            orderId,
            "customer-1",
            // A mutable list: Require.nonEmpty calls contains(null), which List.of rejects.
            new ArrayList<>(List.of(new OrderItem("widget", 2, new BigDecimal("9.99"))))),
        "test");
  }

  public static EventEnvelope orderShipped() {
    return EventEnvelope.first(
        new OrderShipped(UUID.randomUUID().toString(), "shipment-1", "carrier", "track-1"), "test");
  }

  /** Adds {@code events} with the current trace context, as {@link Outbox#add} does one. */
  public static List<OutboxEntry> addAll(
      Connection connection, String exchange, List<EventEnvelope> events) throws SQLException {
    TraceParent trace = TraceParent.current();
    return Outbox.addTraced(
        connection,
        exchange,
        events.stream().map(event -> new Outbox.Pending(event, trace)).toList());
  }

  public static List<String> strings(Connection connection, String sql) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet result = statement.executeQuery()) {
      List<String> values = new ArrayList<>();
      while (result.next()) {
        values.add(result.getString(1));
      }
      return values;
    }
  }

  public static long backlog(Database database) throws SQLException {
    try (Connection connection = database.open()) {
      return Outbox.backlog(connection);
    }
  }
}
