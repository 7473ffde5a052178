package orderflow.outbox;

import static orderflow.store.StoreFixtures.backlog;
import static orderflow.store.StoreFixtures.orderCreated;
import static orderflow.store.StoreFixtures.orderShipped;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import orderflow.broker.BrokerConnector;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.EventMessages;
import orderflow.store.Database;
import orderflow.store.Outbox;
import orderflow.store.OutboxRows;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.topology.Topology;
import orderflow.topology.TopologyDeclarer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RabbitMqExtension.class)
class OutboxRelayIT {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void publishesEachCommittedEventWithItsIdAndProperties(TestBroker broker) throws Exception {
    Topology topology = declared(broker);
    Database database = sqlite();
    List<EventEnvelope> events = List.of(orderCreated(), orderCreated(), orderCreated());
    commit(database, topology.ordersExchange(), events);

    OutboxRelay relay = started(database, broker);
    relay.wakeUp();

    assertTrue(relay.flush(DEADLINE));
    assertEquals(0, relay.backlog());
    assertEquals(0, backlog(database));
    List<GetResponse> received = drain(broker, topology.queue(Topology.INVENTORY_QUEUE), 3);
    for (int i = 0; i < events.size(); i++) {
      EventEnvelope event = events.get(i);
      AMQP.BasicProperties properties = received.get(i).getProps();
      assertEquals(event.eventId().toString(), properties.getMessageId());
      assertEquals("OrderCreated", properties.getType());
      assertEquals(event.metadata().correlationId(), properties.getCorrelationId());
      assertEquals("test", properties.getAppId());
      assertEquals(EventMessages.PERSISTENT, properties.getDeliveryMode());
      assertEquals(EventMessages.CONTENT_TYPE, properties.getContentType());
      assertEquals(
          event.metadata().version(),
          properties.getHeaders().get(EventMessages.VERSION_HEADER).toString());
      assertEquals(event, new EventCodec().decode(received.get(i).getBody()));
    }
  }

  @Test
  void anUnroutableEventIsMarkedSentAndCounted(TestBroker broker) throws Exception {
    Topology topology = declared(broker);
    // The order view takes every event type; without its binding no queue takes OrderShipped.
    try (Channel channel = broker.connection().createChannel()) {
      channel.queueUnbind(
          topology.queue(Topology.ORDERS_VIEW_QUEUE), topology.ordersExchange(), "order.shipped");
    }
    Database database = sqlite();
    commit(database, topology.ordersExchange(), List.of(orderShipped()));

    OutboxRelay relay = started(database, broker);

    assertTrue(relay.flush(DEADLINE));
    assertEquals(1, relay.unroutable());
    assertEquals(0, backlog(database));
  }

  @Test
  void anEventPublishedButNotMarkedSentIsSentAgainByTheNextRelay(TestBroker broker)
      throws Exception {
    Topology topology = declared(broker);
    Database database = sqlite();
    EventEnvelope event = orderCreated();
    commit(database, topology.ordersExchange(), List.of(event));
    String inventory = topology.queue(Topology.INVENTORY_QUEUE);

    // A relay killed between the broker's confirm and marking the row sent.
    try (Channel channel = broker.connection().createChannel();
        Connection db = database.open()) {
      BatchPublisher crashing =
          new BatchPublisher(new ConfirmingPublisher(channel, 10), Duration.ofSeconds(10));
      BatchPublisher.Outcome outcome = crashing.publish(OutboxRows.unsent(db, 10, false));
      assertEquals(1, outcome.settled().size());
    }
    assertEquals(1, backlog(database));
    assertEquals(1, broker.messageCount(inventory));

    OutboxRelay restarted = started(database, broker);

    assertTrue(restarted.flush(DEADLINE));
    List<GetResponse> received = drain(broker, inventory, 2);
    for (GetResponse response : received) {
      assertEquals(event.eventId().toString(), response.getProps().getMessageId());
    }
  }

  @Test
  void aRelayThatCannotMarkRowsSentPublishesNothingMoreUntilItCan(TestBroker broker)
      throws Exception {
    Topology topology = declared(broker);
    Database database = sqlite();
    commit(database, topology.ordersExchange(), List.of(orderCreated(), orderCreated()));
    // Marking fails as on a full disk: publishing works, the write after it does not.
    execute(
        database,
        "CREATE TRIGGER refuse_marks BEFORE UPDATE OF sent_at ON outbox"
            + " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    String inventory = topology.queue(Topology.INVENTORY_QUEUE);

    OutboxRelay relay = started(database, broker);
    relay.wakeUp();
    TestBroker.await("the rows published", DEADLINE, () -> count(broker, inventory) >= 2);
    // Each failure is a cycle that, re-reading the unmarked rows, used to publish them again.
    TestBroker.await("five failed marks", DEADLINE, () -> relay.markFailures() >= 5);
    assertEquals(2, broker.messageCount(inventory), "published again while unmarked");
    assertEquals(2, backlog(database));

    execute(database, "DROP TRIGGER refuse_marks");

    TestBroker.await("the rows marked", DEADLINE, () -> backlogQuietly(database) == 0);
    assertTrue(relay.flush(DEADLINE));
    assertEquals(2, broker.messageCount(inventory));
  }

  private static void execute(Database database, String sql) throws SQLException {
    try (Connection connection = database.open();
        java.sql.Statement statement = connection.createStatement()) {
      statement.execute(sql);
      connection.commit();
    }
  }

  private static long backlogQuietly(Database database) {
    try {
      return backlog(database);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void survivesAChannelFailureAndDeliversOnceTheExchangeExists(TestBroker broker) throws Exception {
    Topology topology = declared(broker);
    String late = topology.name("late");
    broker.deleteExchangeAfter(late);
    Database database = sqlite();
    commit(database, late, List.of(orderCreated()));
    OutboxRelay relay =
        closedAfter(
            new OutboxRelay(
                database,
                relayConnection(broker),
                "it",
                OutboxRelay.DEFAULT_BATCH_SIZE,
                Duration.ofMillis(100),
                Duration.ofMillis(200)));
    relay.start();

    // Publishing to a missing exchange closes the relay's channel.
    assertFalse(relay.flush(Duration.ofSeconds(1)));
    assertEquals(1, relay.backlog());
    // Routes to the orders exchange from the moment it exists: no window where it is unroutable.
    try (Channel channel = broker.connection().createChannel()) {
      channel.exchangeDeclare(
          late, "fanout", true, false, Map.of("alternate-exchange", topology.ordersExchange()));
    }

    assertTrue(relay.flush(DEADLINE));
    assertEquals(0, relay.unroutable());
    assertEquals(1, drain(broker, topology.queue(Topology.INVENTORY_QUEUE), 1).size());
  }

  @Test
  void twoRelaysOnOnePostgresqlShareTheOutboxWithoutLossOrDuplicates(TestBroker broker)
      throws Exception {
    Topology topology = declared(broker);
    String url = TestDatabases.freshPostgresSchema();
    Database database = Database.open(url);
    toClose.add(() -> dropSchema(database, url));
    database.migrate("relay-it", List.of());
    List<EventEnvelope> events = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      events.add(orderCreated());
    }
    commit(database, topology.ordersExchange(), events);

    OutboxRelay first = started(database, broker, 20);
    OutboxRelay second = started(database, broker, 20);

    assertTrue(first.flush(DEADLINE));
    assertTrue(second.flush(DEADLINE));
    String inventory = topology.queue(Topology.INVENTORY_QUEUE);
    TestBroker.await("300 events queued", DEADLINE, () -> count(broker, inventory) >= 300);
    List<GetResponse> received = drain(broker, inventory, 300);
    Set<String> ids =
        received.stream().map(r -> r.getProps().getMessageId()).collect(Collectors.toSet());
    assertEquals(events.stream().map(e -> e.eventId().toString()).collect(Collectors.toSet()), ids);
    assertEquals(0, broker.messageCount(inventory), "no duplicates");
  }

  private Topology declared(TestBroker broker) throws Exception {
    Topology topology = broker.topology();
    declare(broker, topology);
    return topology;
  }

  private static void declare(TestBroker broker, Topology topology) throws Exception {
    try (Channel channel = broker.connection().createChannel()) {
      TopologyDeclarer.declare(channel, topology);
    }
  }

  private Database sqlite() throws SQLException {
    Database database = Database.open(TestDatabases.sqlite(dir));
    database.migrate("relay-it", List.of());
    return database;
  }

  private static void commit(Database database, String exchange, List<EventEnvelope> events)
      throws SQLException {
    try (Connection connection = database.open()) {
      for (EventEnvelope event : events) {
        Outbox.add(connection, exchange, event);
      }
      connection.commit();
    }
  }

  private OutboxRelay started(Database database, TestBroker broker) {
    return started(database, broker, OutboxRelay.DEFAULT_BATCH_SIZE);
  }

  private OutboxRelay started(Database database, TestBroker broker, int batchSize) {
    OutboxRelay relay =
        closedAfter(
            new OutboxRelay(
                database,
                relayConnection(broker),
                "it",
                batchSize,
                OutboxRelay.DEFAULT_POLL_INTERVAL,
                Duration.ofMillis(200)));
    relay.start();
    return relay;
  }

  private com.rabbitmq.client.Connection relayConnection(TestBroker broker) {
    com.rabbitmq.client.Connection connection =
        new BrokerConnector(broker.settings(), "outbox-relay-it").connect("outbox relay");
    toClose.add(connection);
    return connection;
  }

  private <T extends AutoCloseable> T closedAfter(T closeable) {
    toClose.add(closeable);
    return closeable;
  }

  /** Takes exactly {@code expected} messages off a queue, in order, and checks nothing is left. */
  private static List<GetResponse> drain(TestBroker broker, String queue, int expected)
      throws Exception {
    TestBroker.await(
        expected + " messages in " + queue, DEADLINE, () -> count(broker, queue) >= expected);
    List<GetResponse> messages = new ArrayList<>();
    for (int i = 0; i < expected; i++) {
      messages.add(broker.get(queue));
    }
    assertEquals(0, broker.messageCount(queue), "more messages than expected in " + queue);
    return messages;
  }

  private static long count(TestBroker broker, String queue) {
    try {
      return broker.messageCount(queue);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void dropSchema(Database database, String url) throws SQLException {
    String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
    try (Connection connection = database.open();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA " + schema + " CASCADE");
      connection.commit();
    }
  }
}
