package orderflow.consume.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import orderflow.consume.EventHandler;
import orderflow.consume.HandlerContext;
import orderflow.consume.PermanentFailureException;
import orderflow.consume.ServiceDefinition;
import orderflow.consume.TransientFailureException;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.ReservedItem;
import orderflow.observe.ConsumerMetrics;
import orderflow.store.Database;
import orderflow.store.StoreFixtures;
import orderflow.testing.TestDatabases;
import orderflow.topology.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch path's rounds on a real SQLite file, no broker: failing deliveries are taken out and
 * the batch applied again without them, so a failing handler is called once while the others may
 * run once per round, and only what was applied commits, once (its rows, its inbox entry, its
 * outbox entry).
 */
class BatchApplierTest {
  @TempDir Path dir;
  private Database database;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private Set<String> transientFailures = Set.of();
  private Set<String> permanentFailures = Set.of();
  private Set<String> knownApplied = Set.of();

  @BeforeEach
  void open() throws SQLException {
    database = Database.open(TestDatabases.sqlite(dir));
    database.migrate("batch");
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void aBatchWithoutFailuresIsAppliedWholeWithItsEvents() throws SQLException {
    List<EventEnvelope> events = orders(10);

    BatchApplier.Result result = applier().apply(deliveries(events), DeliverySpans.OFF);

    for (Outcome outcome : result.outcomes()) {
      assertInstanceOf(Outcome.Applied.class, outcome);
    }
    assertEquals(10, result.committedEvents().size());
    assertEquals(10, count("applied"));
    assertEquals(10, count("inbox"));
  }

  @Test
  void failingDeliveriesAreTakenOutAndTheRestAppliedOnce() throws SQLException {
    List<EventEnvelope> events = orders(10);
    transientFailures = Set.of(orderId(events.get(3)));
    permanentFailures = Set.of(orderId(events.get(7)));

    BatchApplier.Result result = applier().apply(deliveries(events), DeliverySpans.OFF);

    for (int i = 0; i < events.size(); i++) {
      Class<?> expected =
          i == 3 ? Outcome.Retry.class : i == 7 ? Outcome.DeadLetter.class : Outcome.Applied.class;
      assertInstanceOf(expected, result.outcomes().get(i), "delivery " + i);
    }
    assertCalledOnce(events, 3, 7);
    assertEquals(8, result.committedEvents().size());
    assertEquals(8, count("applied"));
    assertEquals(8, count("inbox"), "a failed delivery leaves no inbox entry");
    assertEquals(8, count("outbox"));
  }

  @Test
  void afterThreeFailingRoundsEachDeliveryGetsItsOwnSavepoint() throws SQLException {
    List<EventEnvelope> events = orders(12);
    transientFailures =
        Set.of(orderId(events.get(0)), orderId(events.get(4)), orderId(events.get(5)));
    permanentFailures = Set.of(orderId(events.get(9)), orderId(events.get(11)));

    BatchApplier.Result result = applier().apply(deliveries(events), DeliverySpans.OFF);

    int applied = 0;
    for (int i = 0; i < events.size(); i++) {
      Outcome outcome = result.outcomes().get(i);
      if (outcome instanceof Outcome.Applied) {
        applied++;
      }
    }
    assertCalledOnce(events, 0, 4, 5, 9, 11);
    assertEquals(7, applied);
    assertEquals(7, count("applied"));
    assertEquals(7, count("inbox"));
    assertEquals(7, count("outbox"));
  }

  @Test
  void anUndecodableBodyIsDeadLetteredAndARepeatIsADuplicate() throws SQLException {
    EventEnvelope order = StoreFixtures.orderCreated();
    List<ReceivedDelivery> batch = new ArrayList<>(deliveries(List.of(order, order)));
    batch.add(1, delivery("{not json".getBytes(StandardCharsets.UTF_8)));

    BatchApplier.Result result = applier().apply(batch, DeliverySpans.OFF);

    assertInstanceOf(Outcome.Applied.class, result.outcomes().get(0));
    Outcome.DeadLetter invalid =
        assertInstanceOf(Outcome.DeadLetter.class, result.outcomes().get(1));
    assertEquals(DeadLetterHeaders.REASON_INVALID_EVENT, invalid.reason());
    assertInstanceOf(Outcome.Duplicate.class, result.outcomes().get(2));
    assertEquals(1, count("applied"));
  }

  @Test
  void aDeliveryItsHandlerKnowsAsAppliedIsAckedWithoutTheInboxWhileTheOthersGoThroughIt()
      throws SQLException {
    List<EventEnvelope> events = orders(3);
    knownApplied = Set.of(events.get(1).eventId().toString());

    BatchApplier.Result result = applier().apply(deliveries(events), DeliverySpans.OFF);

    assertInstanceOf(Outcome.Applied.class, result.outcomes().get(0));
    Outcome.AlreadyApplied known =
        assertInstanceOf(Outcome.AlreadyApplied.class, result.outcomes().get(1));
    assertEquals(events.get(1).eventId(), known.event().eventId());
    assertInstanceOf(Outcome.Applied.class, result.outcomes().get(2));
    assertEquals(null, calls.get(orderId(events.get(1))), "its handler was not called");
    assertEquals(2, count("applied"));
    assertEquals(2, count("inbox"), "no inbox row for the known delivery");
    assertEquals(2, result.committedEvents().size());
  }

  @Test
  void aBatchOfOnlyKnownDeliveriesOpensNoTransaction() throws SQLException {
    List<EventEnvelope> events = orders(4);
    knownApplied = Set.of(events.get(0).eventId().toString(), events.get(2).eventId().toString());
    List<ReceivedDelivery> batch =
        List.of(
            deliveries(events).get(0),
            delivery("{not json".getBytes(StandardCharsets.UTF_8)),
            deliveries(events).get(2));

    BatchApplier applier = applier();

    BatchApplier.Result result;
    // The write turn is held: a batch that began a transaction would wait 10 s for it.
    try (Connection held = database.open()) {
      result =
          assertTimeoutPreemptively(
              Duration.ofSeconds(3), () -> applier.apply(batch, DeliverySpans.OFF));
    }

    assertInstanceOf(Outcome.AlreadyApplied.class, result.outcomes().get(0));
    assertInstanceOf(Outcome.DeadLetter.class, result.outcomes().get(1));
    assertInstanceOf(Outcome.AlreadyApplied.class, result.outcomes().get(2));
    assertEquals(0, count("inbox"));
  }

  private void assertCalledOnce(List<EventEnvelope> events, int... failing) throws SQLException {
    for (int i : failing) {
      assertEquals(1, calls.get(orderId(events.get(i))).get(), "handler calls of delivery " + i);
    }
    try (Connection connection = database.openReadOnly();
        var statement = connection.createStatement();
        var result = statement.executeQuery("SELECT COUNT(DISTINCT order_id) FROM applied")) {
      result.next();
      assertEquals(count("applied"), result.getLong(1), "an order applied twice");
    }
  }

  private BatchApplier applier() {
    ServiceDefinition service =
        new ServiceDefinition(
            "batch",
            Topology.INVENTORY_QUEUE,
            Map.of(EventType.ORDER_CREATED, handler()),
            List.of());
    return new BatchApplier(
        database, service, "orders", 0, new Random(1), ConsumerMetrics.create("batch"));
  }

  /** {@link #handle}, knowing the events of {@link #knownApplied} as applied. */
  private EventHandler handler() {
    return new EventHandler() {
      @Override
      public void handle(EventEnvelope event, HandlerContext context) throws SQLException {
        BatchApplierTest.this.handle(event, context);
      }

      @Override
      public boolean alreadyApplied(EventEnvelope event, byte[] body) {
        return knownApplied.contains(event.eventId().toString());
      }
    };
  }

  private void handle(EventEnvelope event, orderflow.consume.HandlerContext context)
      throws SQLException {
    String orderId = orderId(event);
    calls.computeIfAbsent(orderId, id -> new AtomicInteger()).incrementAndGet();
    try (PreparedStatement insert =
        context.connection().prepareStatement("INSERT INTO applied (order_id) VALUES (?)")) {
      insert.setString(1, orderId);
      insert.executeUpdate();
    }
    // Fails after writing, so the writes must be undone.
    if (transientFailures.contains(orderId)) {
      throw new TransientFailureException("dependency down for " + orderId);
    }
    if (permanentFailures.contains(orderId)) {
      throw new PermanentFailureException("cannot ever apply " + orderId);
    }
    // A mutable list: Require.nonEmpty calls contains(null), which List.of rejects.
    context.emit(
        new InventoryReserved(
            orderId,
            "reservation-" + orderId,
            new ArrayList<>(List.of(new ReservedItem("widget", 2)))));
  }

  private static String orderId(EventEnvelope event) {
    return event.payload().orderId();
  }

  private static List<EventEnvelope> orders(int count) {
    List<EventEnvelope> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(StoreFixtures.orderCreated());
    }
    return events;
  }

  private static List<ReceivedDelivery> deliveries(List<EventEnvelope> events) {
    EventCodec codec = new EventCodec();
    List<ReceivedDelivery> deliveries = new ArrayList<>();
    for (EventEnvelope event : events) {
      deliveries.add(delivery(codec.encode(event)));
    }
    return deliveries;
  }

  private static final AtomicInteger tags = new AtomicInteger();

  private static ReceivedDelivery delivery(byte[] body) {
    return new ReceivedDelivery(
        new Envelope(tags.incrementAndGet(), false, "orders", "order.created"),
        new AMQP.BasicProperties.Builder().type("OrderCreated").build(),
        body);
  }

  private long count(String table) throws SQLException {
    try (Connection connection = database.openReadOnly();
        var statement = connection.createStatement();
        var result = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
      result.next();
      return result.getLong(1);
    }
  }
}
