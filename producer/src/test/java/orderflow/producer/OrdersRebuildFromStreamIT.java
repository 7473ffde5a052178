package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.process.ServiceMain;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.orderservice.OrderFold;
import orderflow.orderservice.OrderService;
import orderflow.orderservice.OrderState;
import orderflow.orderservice.SagaMix;
import orderflow.publish.EventMessages;
import orderflow.store.Database;
import orderflow.store.Dialect;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.testing.TestSettings;
import orderflow.topology.EventStream;
import orderflow.topology.RetryTiers;
import orderflow.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code orders rebuild --from-stream} against the live order service: 10,000 orders that end every
 * way (rejected, shipped, failed, cancelled, cancellation refused), some events published twice;
 * the model rebuilt from the stream equals the live one, except one row corrupted on purpose, which
 * it reports and repairs; the live model answers queries throughout.
 */
@ExtendWith(RabbitMqExtension.class)
class OrdersRebuildFromStreamIT {
  private static final int ORDERS = 10_000;
  private static final RetryTiers TIERS = RetryTiers.parse("100ms");
  private static final Duration WAIT = Duration.ofMinutes(4);

  @TempDir Path dir;

  @Test
  void theModelRebuiltFromTheStreamEqualsTheLiveOne(TestBroker broker) throws Exception {
    rebuildsEqualToTheLiveModel(broker, "jdbc:sqlite:" + dir.resolve("orders.db"), ORDERS);
  }

  @Test
  void onPostgresTheRebuildGoesThroughAFreshSchema(TestBroker broker) throws Exception {
    String db = TestDatabases.freshPostgresSchema();
    rebuildsEqualToTheLiveModel(broker, db, 500);
    assertEquals(
        0,
        count(
            db,
            "SELECT COUNT(*) FROM information_schema.schemata"
                + " WHERE schema_name LIKE 'orders_rebuild_%'"),
        "the rebuild's schema is dropped after the swap");
  }

  @Test
  void aStreamCutByRetentionIsRefusedAndTheLiveModelLeftAlone(TestBroker broker) throws Exception {
    Topology small =
        new Topology(broker.namespace(), TIERS, new EventStream(true, "7D", 40_000, 20_000));
    broker.topology(TIERS);
    String db = "jdbc:sqlite:" + dir.resolve("orders.db");
    try (Database database = Database.open(db)) {
      database.migrate(OrderService.NAME);
    }
    List<List<EventEnvelope>> orders = SagaMix.orders(100);
    try (Channel channel = broker.connection().createChannel()) {
      small.declare(channel);
    }
    publish(broker, small, orders);
    // Retention may leave nothing but an empty segment to read: append until an event is readable.
    AtomicReference<String> firstLine = new AtomicReference<>();
    TestBroker.await(
        "an event readable after retention",
        Duration.ofSeconds(60),
        () -> {
          firstLine.set(eventsFromFirst(broker).out().lines().findFirst().orElse(null));
          if (firstLine.get() == null) {
            try {
              publish(broker, small, SagaMix.orders(1));
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
          return firstLine.get() != null;
        });
    assertTrue(
        EventCodec.mapper().readTree(firstLine.get()).get("offset").asLong() > 0,
        "retention removed the first segments: " + firstLine.get());

    CommandRun.Result rebuild =
        CommandRun.run(
            "orders",
            "rebuild",
            "--from-stream",
            "--no-declare",
            "--db",
            db,
            "--uri",
            broker.uriString(),
            "--namespace",
            broker.namespace());

    assertEquals(1, rebuild.exitCode(), rebuild.toString());
    assertTrue(rebuild.err().contains("retention has removed older events"), rebuild.toString());
    assertEquals(0, count(db, "SELECT COUNT(*) FROM orders"), "nothing swapped in");
  }

  private static CommandRun.Result eventsFromFirst(TestBroker broker) {
    CommandRun.Result events =
        CommandRun.run(
            "events",
            "--no-declare",
            "--json",
            "--limit",
            "1",
            "--uri",
            broker.uriString(),
            "--namespace",
            broker.namespace());
    assertEquals(0, events.exitCode(), events.toString());
    return events;
  }

  private void rebuildsEqualToTheLiveModel(TestBroker broker, String db, int orderCount)
      throws Exception {
    Topology topology = broker.topology(TIERS);
    List<List<EventEnvelope>> orders = SagaMix.orders(orderCount);
    long distinct = orders.stream().mapToLong(List::size).sum();
    ServiceMain.RunningService service = start(broker, topology, db);
    try {
      long messages = publish(broker, topology, orders);
      TestBroker.await(
          "the live service to store every event",
          WAIT,
          () -> count(db, "SELECT COUNT(*) FROM order_events") == distinct);
      String corrupted = orders.get(1).get(0).payload().orderId();
      execute(db, "UPDATE orders SET status = 'CREATED' WHERE order_id = '" + corrupted + "'");

      AtomicBoolean rebuilding = new AtomicBoolean(true);
      AtomicInteger served = new AtomicInteger();
      List<String> refused = new ArrayList<>();
      Thread reader = queriesWhile(rebuilding, db, orders.get(2).get(0), served, refused);
      CommandRun.Result rebuild;
      try {
        rebuild =
            CommandRun.run(
                "orders",
                "rebuild",
                "--from-stream",
                "--json",
                "--db",
                db,
                "--uri",
                broker.uriString(),
                "--namespace",
                broker.namespace());
      } finally {
        rebuilding.set(false);
        reader.join();
      }

      assertEquals(0, rebuild.exitCode(), rebuild.toString());
      JsonNode report = EventCodec.mapper().readTree(rebuild.out());
      assertEquals(messages, report.get("events").asLong(), rebuild.out());
      assertEquals(orderCount, report.get("rebuilt").asInt());
      assertEquals(0, report.get("keptNewer").asInt());
      assertEquals(0, report.get("notInStream").asInt());
      JsonNode differences = report.get("differences");
      assertEquals(1, differences.size(), differences.toString());
      assertEquals(corrupted, differences.get(0).get("orderId").asText());
      assertEquals("CREATED", differences.get(0).get("before").asText());
      assertEquals("SHIPPED", differences.get(0).get("after").asText());
      assertEquals(List.of(), refused, "queries failed during the rebuild");
      assertTrue(served.get() > 0, "the live model was queried during the rebuild");
      assertLiveModelIsTheFoldOfEveryOrder(db, orders);
    } finally {
      service.stop();
    }
  }

  private static void assertLiveModelIsTheFoldOfEveryOrder(
      String db, List<List<EventEnvelope>> orders) throws SQLException {
    try (Database database = Database.open(db);
        Connection connection = database.openReadOnly()) {
      var readModel = new orderflow.orderservice.OrderReadModel();
      List<String> wrong = new ArrayList<>();
      for (List<EventEnvelope> events : orders) {
        String orderId = events.get(0).payload().orderId();
        OrderState expected = OrderFold.fold(orderId, events);
        List<String> fields =
            readModel.find(connection, orderId).map(s -> s.differences(expected)).orElse(null);
        if (fields == null || !fields.isEmpty()) {
          wrong.add(orderId + " " + fields);
        }
      }
      assertEquals(List.of(), wrong);
    }
    Map<String, Long> byStatus =
        orders.stream()
            .map(e -> OrderFold.fold(e.get(0).payload().orderId(), e).status().name())
            .collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    long fifth = orders.size() / 5;
    assertEquals(
        Map.of("REJECTED", fifth, "SHIPPED", 2 * fifth, "FAILED", fifth, "CANCELLED", fifth),
        byStatus,
        "every ending is in the mix");
  }

  private static Thread queriesWhile(
      AtomicBoolean running,
      String db,
      EventEnvelope order,
      AtomicInteger served,
      List<String> refused) {
    Thread reader =
        new Thread(
            () -> {
              while (running.get()) {
                CommandRun.Result shown =
                    CommandRun.run("orders", "show", order.payload().orderId(), "--db", db);
                if (shown.exitCode() == 0) {
                  served.incrementAndGet();
                } else {
                  synchronized (refused) {
                    refused.add(shown.toString());
                  }
                }
              }
            },
            "it-live-reader");
    reader.start();
    return reader;
  }

  /** Every order's events, each fifth order's creation twice (an outbox repeat). */
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
        if (i % 1_000 == 999) {
          channel.waitForConfirmsOrDie(60_000);
        }
      }
      channel.waitForConfirmsOrDie(60_000);
    }
    return published;
  }

  private static ServiceMain.RunningService start(TestBroker broker, Topology topology, String db)
      throws Exception {
    ConsumerSettings settings =
        TestSettings.builder()
            .prefetch(500)
            .tiers(TIERS)
            .maxRetries(3)
            .injectFailureRate(0)
            .breakerThreshold(5)
            .breakerReset(Duration.ofSeconds(1))
            .batchSize(200)
            .shutdownTimeout(Duration.ofSeconds(10))
            .httpPort(0)
            .build();
    return ServiceMain.start(
        broker.settings(),
        settings,
        db,
        OrderService.definition(Dialect.of(db), Clock.systemUTC()),
        (database, publisher) -> null);
  }

  private static long count(String db, String sql) {
    try (Database database = Database.open(db);
        Connection connection = database.openReadOnly();
        PreparedStatement select = connection.prepareStatement(sql);
        ResultSet row = select.executeQuery()) {
      row.next();
      return row.getLong(1);
    } catch (SQLException e) {
      return -1;
    }
  }

  private static void execute(String db, String sql) throws SQLException {
    try (Database database = Database.open(db);
        Connection connection = database.open();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      assertEquals(1, statement.executeUpdate(), sql);
      connection.commit();
    }
  }
}
