package orderflow.orderservice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.producer.Main;
import orderflow.publish.EventMessages;
import orderflow.store.Database;
import orderflow.testing.JavaProcess;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code producer orders project} as a real process, killed with SIGKILL in the middle of the
 * stream and started again: its read model holds every event exactly once, because the offset it
 * resumes from is committed with the changes.
 */
@ExtendWith(RabbitMqExtension.class)
class StreamProjectionCrashIT {
  private static final int ORDERS = 2_500;
  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir Path dir;

  @Test
  void resumesExactlyWhereItStoppedAfterKillNine(TestBroker broker) throws Exception {
    Topology topology = broker.topology();
    List<List<EventEnvelope>> orders = SagaMix.orders(ORDERS);
    long messages = publish(broker, topology, orders);
    Path file = dir.resolve("projection.db");
    String db = "jdbc:sqlite:" + file;
    List<String> args =
        List.of(
            "orders",
            "project",
            "--db",
            db,
            "--uri",
            broker.uriString(),
            "--namespace",
            broker.namespace());

    try (JavaProcess first = JavaProcess.start(dir, Main.class, args)) {
      TestBroker.await(
          "the projection to commit a first batch",
          WAIT,
          () -> Files.exists(file) && nextOffset(db).orElse(0L) > 0 || !first.process().isAlive());
      first.kill();
    }
    long atKill = nextOffset(db).orElse(0L);
    assertTrue(
        atKill > 0 && atKill < messages,
        "killed in the middle: next offset " + atKill + " of " + messages);

    try (JavaProcess second = JavaProcess.start(dir, Main.class, args)) {
      assertTrue(
          second.process().waitFor(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS),
          "the restarted projection finishes");
      assertEquals(0, second.process().exitValue(), second.output());
    }

    assertEquals(messages, nextOffset(db).orElseThrow(), "every offset applied");
    try (Database database = Database.open(db);
        Connection connection = database.openReadOnly()) {
      assertEquals(messages - ORDERS / 5, count(connection, "order_events"), "each event once");
      OrderReadModel readModel = new OrderReadModel();
      List<String> wrong = new ArrayList<>();
      for (List<EventEnvelope> events : orders) {
        String orderId = events.get(0).payload().orderId();
        OrderState expected = OrderFold.fold(orderId, events);
        Optional<OrderState> held = readModel.find(connection, orderId);
        if (held.isEmpty() || !held.get().differences(expected).isEmpty()) {
          wrong.add(orderId + " " + held.map(h -> h.differences(expected)).orElse(List.of()));
        }
      }
      assertEquals(List.of(), wrong);
      assertEquals(ORDERS, count(connection, "orders"));
    }
  }

  /**
   * Publishes every order's events, and each fifth order's creation twice (an outbox repeat, same
   * eventId).
   *
   * @return how many messages the stream gets
   */
  private static long publish(
      TestBroker broker, Topology topology, List<List<EventEnvelope>> orders) throws Exception {
    EventCodec codec = new EventCodec();
    long published = 0;
    try (Channel channel = broker.connection().createChannel()) {
      topology.declare(channel);
      channel.confirmSelect();
      for (int i = 0; i < orders.size(); i++) {
        List<EventEnvelope> events = new ArrayList<>(orders.get(i));
        if (i % 5 == 0) {
          events.add(events.get(0));
        }
        for (EventEnvelope event : events) {
          channel.basicPublish(
              topology.ordersExchange(),
              event.eventType().routingKey(),
              EventMessages.properties(event),
              codec.encode(event));
          published++;
        }
      }
      channel.waitForConfirmsOrDie(60_000);
    }
    return published;
  }

  private static Optional<Long> nextOffset(String db) {
    try (Database database = Database.open(db);
        Connection connection = database.openReadOnly();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT next_offset FROM stream_offsets WHERE projection = 'orders'");
        ResultSet rows = select.executeQuery()) {
      return rows.next() ? Optional.of(rows.getLong(1)) : Optional.empty();
    } catch (SQLException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static long count(Connection connection, String table) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM " + table);
        ResultSet rows = select.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
