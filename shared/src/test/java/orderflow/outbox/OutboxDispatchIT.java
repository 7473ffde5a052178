package orderflow.outbox;

import static orderflow.store.StoreFixtures.backlog;
import static orderflow.store.StoreFixtures.orderCreated;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import orderflow.broker.BrokerConnector;
import orderflow.store.Database;
import orderflow.store.Inbox;
import orderflow.store.Outbox;
import orderflow.store.OutboxEntry;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.topology.Topology;
import orderflow.topology.TopologyDeclarer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's own publishing of committed outbox events, and the relay beside it, through each
 * window a crash or a broker refusal can open: no event lost, every repeat carrying the same event
 * id for the next inbox to absorb.
 */
@ExtendWith(RabbitMqExtension.class)
class OutboxDispatchIT {
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
  void aDispatchedEventIsLeftAloneByTheRelayAndMarkedSentByThePipeline(TestBroker broker)
      throws Exception {
    Topology topology = declared(broker);
    Database database = sqlite();
    OutboxClaims claims = new OutboxClaims();
    OutboxDispatcher dispatcher = dispatcher(broker, claims);
    List<OutboxEntry> committed = commit(database, topology.ordersExchange(), 3);

    dispatcher.dispatch(committed);
    assertTrue(dispatcher.awaitSettled(DEADLINE));
    OutboxRelay relay = relay(database, broker, Duration.ZERO, claims);
    // A whole relay cycle sees the rows unsent but claimed: it must not publish them.
    assertFalse(relay.flush(Duration.ofMillis(700)));
    String inventory = topology.queue(Topology.INVENTORY_QUEUE);
    assertEquals(3, broker.messageCount(inventory));

    assertTrue(dispatcher.marksPending());
    markConfirmed(database, dispatcher);

    assertEquals(0, backlog(database));
    assertEquals(0, claims.size());
    assertTrue(relay.flush(DEADLINE));
    assertEquals(idsOf(committed), drainIds(broker, inventory, 3));
  }

  @Test
  void eventsCommittedButNeverDispatchedAreSentByTheRelay(TestBroker broker) throws Exception {
    Topology topology = declared(broker);
    Database database = sqlite();
    // The process died right after its commit: nothing was published, nothing is claimed.
    List<OutboxEntry> committed = commit(database, topology.ordersExchange(), 4);

    OutboxRelay relay = relay(database, broker, Duration.ZERO, new OutboxClaims());

    assertTrue(relay.flush(DEADLINE));
    assertEquals(idsOf(committed), drainIds(broker, topology.queue(Topology.INVENTORY_QUEUE), 4));
  }

  @Test
  void anEventDispatchedButNeverMarkedIsSentAgainWithTheSameEventId(TestBroker broker)
      throws Exception {
    Topology topology = declared(broker);
    Database database = sqlite();
    OutboxClaims claimsOfTheDeadProcess = new OutboxClaims();
    OutboxDispatcher dispatcher = dispatcher(broker, claimsOfTheDeadProcess);
    List<OutboxEntry> committed = commit(database, topology.ordersExchange(), 1);
    dispatcher.dispatch(committed);
    assertTrue(dispatcher.awaitSettled(DEADLINE));
    // The process died after the broker's confirm, before its next transaction marked the row.
    assertEquals(1, backlog(database));

    OutboxRelay restarted = relay(database, broker, Duration.ZERO, new OutboxClaims());

    assertTrue(restarted.flush(DEADLINE));
    String inventory = topology.queue(Topology.INVENTORY_QUEUE);
    TestBroker.await("two copies", DEADLINE, () -> count(broker, inventory) == 2);
    String eventId = committed.get(0).message().properties().getMessageId();
    try (Connection connection = database.open()) {
      for (int copy = 0; copy < 2; copy++) {
        GetResponse response = broker.get(inventory);
        assertEquals(eventId, response.getProps().getMessageId());
        assertEquals(copy == 0, Inbox.record(connection, "next-consumer", uuid(response)));
      }
      connection.commit();
    }
  }

  @Test
  void aNackedEventIsReleasedToTheRelayWhichSendsItOnceTheQueueTakesIt(TestBroker broker)
      throws Exception {
    Topology topology = declared(broker);
    String exchange = topology.name("dispatch-nack");
    String full = topology.name("dispatch-full");
    String open = topology.name("dispatch-open");
    broker.deleteExchangeAfter(exchange);
    broker.deleteAfter(full);
    broker.deleteAfter(open);
    try (Channel channel = broker.connection().createChannel()) {
      channel.exchangeDeclare(exchange, "direct", true);
      channel.queueDeclare(
          full, true, false, false, Map.of("x-max-length", 0, "x-overflow", "reject-publish"));
      channel.queueBind(full, exchange, "order.created");
    }
    Database database = sqlite();
    OutboxClaims claims = new OutboxClaims();
    OutboxDispatcher dispatcher = dispatcher(broker, claims);
    List<OutboxEntry> committed = commit(database, exchange, 1);

    dispatcher.dispatch(committed);
    assertTrue(dispatcher.awaitSettled(DEADLINE));

    assertFalse(claims.isClaimed(committed.get(0).id()), "a nacked row is released");
    assertFalse(dispatcher.marksPending());
    assertEquals(1, backlog(database));
    try (Channel channel = broker.connection().createChannel()) {
      channel.queueDelete(full);
      channel.queueDeclare(open, true, false, false, Map.of());
      channel.queueBind(open, exchange, "order.created");
    }
    OutboxRelay relay = relay(database, broker, Duration.ZERO, claims);
    assertTrue(relay.flush(DEADLINE));
    assertEquals(idsOf(committed), drainIds(broker, open, 1));
  }

  @Test
  void theRelaySweepingBesideADispatchingPipelineSendsEachEventOnce(TestBroker broker)
      throws Exception {
    Topology topology = declared(broker);
    Database database = sqlite();
    OutboxClaims claims = new OutboxClaims();
    OutboxDispatcher dispatcher = dispatcher(broker, claims);
    OutboxRelay relay = relay(database, broker, Duration.ofSeconds(2), claims);
    Set<String> expected = new HashSet<>();
    for (int batch = 0; batch < 20; batch++) {
      List<OutboxEntry> committed = commit(database, topology.ordersExchange(), 25);
      expected.addAll(idsOf(committed));
      dispatcher.dispatch(committed);
      markConfirmed(database, dispatcher);
    }
    assertTrue(dispatcher.awaitSettled(DEADLINE));
    while (dispatcher.marksPending()) {
      markConfirmed(database, dispatcher);
    }

    assertTrue(relay.flush(DEADLINE));
    assertEquals(0, backlog(database));
    assertEquals(expected, drainIds(broker, topology.queue(Topology.INVENTORY_QUEUE), 500));
  }

  private Topology declared(TestBroker broker) throws Exception {
    Topology topology = broker.topology();
    try (Channel channel = broker.connection().createChannel()) {
      TopologyDeclarer.declare(channel, topology);
    }
    return topology;
  }

  private Database sqlite() throws SQLException {
    Database database = closedAfter(Database.open(TestDatabases.sqlite(dir)));
    database.migrate("dispatch-it", List.of());
    return database;
  }

  private static List<OutboxEntry> commit(Database database, String exchange, int count)
      throws SQLException {
    List<OutboxEntry> entries = new ArrayList<>();
    try (Connection connection = database.open()) {
      for (int i = 0; i < count; i++) {
        entries.add(Outbox.add(connection, exchange, orderCreated()));
      }
      connection.commit();
    }
    return entries;
  }

  private static void markConfirmed(Database database, OutboxDispatcher dispatcher)
      throws SQLException {
    try (Connection connection = database.open()) {
      List<Long> marked = dispatcher.markConfirmed(connection, 1_000);
      connection.commit();
      dispatcher.marksCommitted(marked);
    }
  }

  private OutboxDispatcher dispatcher(TestBroker broker, OutboxClaims claims) {
    return closedAfter(new OutboxDispatcher(connection(broker), claims, 100, "dispatch-it"));
  }

  private OutboxRelay relay(
      Database database, TestBroker broker, Duration sweepAge, OutboxClaims claims) {
    OutboxRelay relay =
        closedAfter(
            new OutboxRelay(
                database,
                connection(broker),
                "dispatch-it",
                OutboxRelay.DEFAULT_BATCH_SIZE,
                Duration.ofMillis(100),
                Duration.ofMillis(200),
                sweepAge,
                claims));
    relay.start();
    return relay;
  }

  private com.rabbitmq.client.Connection connection(TestBroker broker) {
    return closedAfter(
        new BrokerConnector(broker.settings(), "outbox-dispatch-it").connect("dispatch"));
  }

  private <T extends AutoCloseable> T closedAfter(T closeable) {
    toClose.add(closeable);
    return closeable;
  }

  private static Set<String> idsOf(List<OutboxEntry> entries) {
    Set<String> ids = new HashSet<>();
    for (OutboxEntry entry : entries) {
      ids.add(entry.message().properties().getMessageId());
    }
    return ids;
  }

  /** Takes exactly {@code expected} messages off a queue and checks that none is left. */
  private static Set<String> drainIds(TestBroker broker, String queue, int expected)
      throws Exception {
    TestBroker.await(
        expected + " messages in " + queue, DEADLINE, () -> count(broker, queue) >= expected);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < expected; i++) {
      ids.add(broker.get(queue).getProps().getMessageId());
    }
    assertEquals(0, broker.messageCount(queue), "more messages than expected in " + queue);
    assertEquals(expected, new HashSet<>(ids).size(), "an event arrived twice: " + ids);
    return new HashSet<>(ids);
  }

  private static UUID uuid(GetResponse response) {
    return UUID.fromString(response.getProps().getMessageId());
  }

  private static long count(TestBroker broker, String queue) {
    try {
      return broker.messageCount(queue);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
