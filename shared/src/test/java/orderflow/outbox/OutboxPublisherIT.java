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
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import orderflow.broker.BrokerConnector;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.EventMessages;
import orderflow.publish.PublishOutcome;
import orderflow.store.Database;
import orderflow.store.Inbox;
import orderflow.store.Outbox;
import orderflow.store.OutboxEntry;
import orderflow.store.StoreFixtures;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.topology.Topology;
import orderflow.trace.MessagingAttributes;
import orderflow.trace.TraceParent;
import orderflow.trace.Tracing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process's one outbox publisher through each window a crash or a broker refusal can open: no
 * event lost, a row marked sent never published again, every repeat carrying the same event id for
 * the next inbox to absorb, and two instances on one PostgreSQL never publishing one row twice.
 */
@ExtendWith(RabbitMqExtension.class)
class OutboxPublisherIT {
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
  void rowsLeftUnsentArePublishedAtStartWithTheirIdAndProperties(TestBroker broker)
      throws Exception {
    Topology topology = declared(broker);
    Database database = sqlite();
    List<EventEnvelope> events = List.of(orderCreated(), orderCreated(), orderCreated());
    // The process died right after its commit: nothing was handed over, nothing published.
    commit(database, topology.ordersExchange(), events);

    OutboxPublisher publisher = started(database, broker);

    awaitAllSent(database);
    List<GetResponse> received = drain(broker, topology.queue(Topology.INVENTORY_QUEUE), 3);
    for (int i = 0; i < events.size(); i++) {
      EventEnvelope event = events.get(i);
      AMQP.BasicProperties properties = received.get(i).getProps();
      assertEquals(event.eventId().toString(), properties.getMessageId());
      assertEquals("OrderCreated", properties.getType());
      assertEquals(event.metadata().correlationId(), properties.getCorrelationId());
      assertEquals("test", properties.getAppId());
      // AMQP timestamps count whole seconds.
      assertEquals(event.timestamp().getEpochSecond(), properties.getTimestamp().getTime() / 1000);
      assertEquals(EventMessages.PERSISTENT, properties.getDeliveryMode());
      assertEquals(EventMessages.CONTENT_TYPE, properties.getContentType());
      assertEquals(
          event.metadata().version(),
          properties.getHeaders().get(EventMessages.VERSION_HEADER).toString());
      assertEquals(event, new EventCodec().decode(received.get(i).getBody()));
    }
    assertEquals(3, publisher.published());
  }

  @Test
  void aRowSweptAfterARestartContinuesTheTraceItWasWrittenIn(TestBroker broker) throws Exception {
    Topology topology = declared(broker);
    Database database = sqlite();
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk =
        closedAfter(
            OpenTelemetrySdk.builder()
                .setTracerProvider(
                    SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .build());
    Tracing tracing = Tracing.with(sdk);
    Span request = tracing.tracer().spanBuilder("POST /orders").startSpan();
    // Committed in the request's span; the process died before any publish.
    try (Scope scope = request.makeCurrent()) {
      commit(database, topology.ordersExchange(), List.of(orderCreated()));
    } finally {
      request.end();
    }

    com.rabbitmq.client.Connection connection =
        closedAfter(new BrokerConnector(broker.settings(), "outbox-publisher-it").connect("it"));
    closedAfter(new OutboxPublisher(database, connection, "it", tracing)).start();

    awaitAllSent(database);
    AMQP.BasicProperties properties =
        drain(broker, topology.queue(Topology.INVENTORY_QUEUE), 1).get(0).getProps();
    SpanData publish =
        exporter.getFinishedSpanItems().stream()
            .filter(span -> span.getKind() == SpanKind.PRODUCER)
            .findFirst()
            .orElseThrow();
    assertEquals(topology.ordersExchange() + " publish", publish.getName());
    assertEquals(request.getSpanContext().getTraceId(), publish.getTraceId());
    assertEquals(request.getSpanContext().getSpanId(), publish.getParentSpanId());
    assertEquals(
        properties.getMessageId(), publish.getAttributes().get(MessagingAttributes.MESSAGE_ID));
    assertEquals("order.created", publish.getAttributes().get(MessagingAttributes.ROUTING_KEY));
    // The message carries the publish span's context: the consumer's span is its child.
    TraceParent sent = TraceParent.fromHeaders(properties.getHeaders());
    assertEquals(remote(publish), Span.fromContext(sent.context()).getSpanContext());
  }

  @Test
  void withTracingOffARowGoesWithoutTraceHeaders(TestBroker broker) throws Exception {
    Topology topology = declared(broker);
    Database database = sqlite();
    commit(database, topology.ordersExchange(), List.of(orderCreated()));
    started(database, broker);
    awaitAllSent(database);
    AMQP.BasicProperties properties =
        drain(broker, topology.queue(Topology.INVENTORY_QUEUE), 1).get(0).getProps();
    assertFalse(properties.getHeaders().containsKey(TraceParent.TRACEPARENT));
  }

  @Test
  void aRowWrittenBeforeItsPropertiesWereKeptIsPublishedWithItsIdAndType(TestBroker broker)
      throws Exception {
    Topology topology = declared(broker);
    Database database = sqlite();
    EventEnvelope event = orderCreated();
    commit(database, topology.ordersExchange(), List.of(event));
    execute(
        database,
        "UPDATE outbox SET correlation_id = NULL, source = NULL, event_version = NULL,"
            + " occurred_at = NULL");

    started(database, broker);

    awaitAllSent(database);
    AMQP.BasicProperties properties =
        drain(broker, topology.queue(Topology.INVENTORY_QUEUE), 1).get(0).getProps();
    assertEquals(event.eventId().toString(), properties.getMessageId());
    assertEquals("OrderCreated", properties.getType());
  }

  @Test
  void handedOverRowsArePublishedAndMarkedOnce(TestBroker broker) throws Exception {
    Topology topology = declared(broker);
    Database database = sqlite();
    OutboxPublisher publisher = started(database, broker);
    awaitAllSent(database);
    Set<String> expected = new HashSet<>();
    for (int batch = 0; batch < 20; batch++) {
      List<OutboxEntry> committed = commit(database, topology.ordersExchange(), 25);
      expected.addAll(idsOf(committed));
      publisher.submit(committed);
      if (batch % 5 == 0) {
        // A sweep beside the hand-offs finds some of the same rows unsent.
        publisher.wakeUp();
      }
    }

    awaitAllSent(database);
    assertEquals(expected, drainIds(broker, topology.queue(Topology.INVENTORY_QUEUE), 500));
  }

  @Test
  void onSqliteRowsConfirmedCloseTogetherAreMarkedSentTogether(TestBroker broker) throws Exception {
    Topology topology = declared(broker);
    Database database = sqlite();
    OutboxPublisher publisher = started(database, broker);
    awaitAllSent(database);
    List<List<OutboxEntry>> handOffs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      handOffs.add(commit(database, topology.ordersExchange(), 1));
    }

    for (List<OutboxEntry> handOff : handOffs) {
      publisher.submit(handOff); // each one a batch of its own, confirmed on its own
      Thread.sleep(2);
    }

    awaitAllSent(database);
    drainIds(broker, topology.queue(Topology.INVENTORY_QUEUE), 20);
    // One mark per confirmed batch would stamp about 20 moments; within MARK_DELAY they share one.
    long moments = distinctSentAt(database);
    assertTrue(moments <= 5, moments + " marks for 20 batches confirmed within about 40 ms");
  }

  @Test
  void aHandOffOfRowsAlreadySentPublishesNothing(TestBroker broker) throws Exception {
    Topology topology = declared(broker);
    Database database = sqlite();
    List<OutboxEntry> committed = commit(database, topology.ordersExchange(), 2);
    OutboxPublisher publisher = started(database, broker);
    awaitAllSent(database);
    String inventory = topology.queue(Topology.INVENTORY_QUEUE);
    drainIds(broker, inventory, 2);

    publisher.submit(committed);
    publisher.wakeUp();
    List<OutboxEntry> next = commit(database, topology.ordersExchange(), 1);
    publisher.submit(next);

    awaitAllSent(database);
    // The last hand-off went after the stale one: had that published, it would be here first.
    assertEquals(idsOf(next), drainIds(broker, inventory, 1));
  }

  @Test
  void anUnroutableEventIsMarkedSentAndCounted(TestBroker broker) throws Exception {
    Topology topology = declared(broker);
    // The order view and the events stream take every event type; without their bindings no queue
    // takes OrderShipped.
    try (Channel channel = broker.connection().createChannel()) {
      channel.queueUnbind(
          topology.queue(Topology.ORDERS_VIEW_QUEUE), topology.ordersExchange(), "order.shipped");
      channel.queueUnbind(topology.eventsStream(), topology.ordersExchange(), "order.shipped");
    }
    Database database = sqlite();
    commit(database, topology.ordersExchange(), List.of(orderShipped()));

    OutboxPublisher publisher = started(database, broker);

    awaitAllSent(database);
    assertEquals(1, publisher.unroutable());
  }

  @Test
  void anEventPublishedButNotMarkedSentIsSentAgainWithTheSameEventId(TestBroker broker)
      throws Exception {
    Topology topology = declared(broker);
    Database database = sqlite();
    EventEnvelope event = orderCreated();
    commit(database, topology.ordersExchange(), List.of(event));
    String inventory = topology.queue(Topology.INVENTORY_QUEUE);

    // A publisher killed between the broker's confirm and marking the row sent.
    try (Channel channel = broker.connection().createChannel();
        Connection db = database.open()) {
      ConfirmingPublisher crashing = new ConfirmingPublisher(channel, 10);
      OutboxEntry row = Outbox.unsent(db, 10, false).get(0);
      assertEquals(
          PublishOutcome.CONFIRMED,
          ConfirmingPublisher.await(crashing.publish(row.message()), Duration.ofSeconds(10)));
    }
    assertEquals(1, backlog(database));
    assertEquals(1, broker.messageCount(inventory));

    started(database, broker);

    awaitAllSent(database);
    List<GetResponse> received = drain(broker, inventory, 2);
    try (Connection connection = database.open()) {
      for (int copy = 0; copy < 2; copy++) {
        GetResponse response = received.get(copy);
        assertEquals(event.eventId().toString(), response.getProps().getMessageId());
        UUID id = UUID.fromString(response.getProps().getMessageId());
        assertEquals(
            copy == 0,
            Inbox.record(connection, "next-consumer", id, null).status() == Inbox.Status.NEW);
      }
      connection.commit();
    }
  }

  @Test
  void aPublisherThatCannotMarkRowsSentPublishesNothingMoreUntilItCan(TestBroker broker)
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

    OutboxPublisher publisher = started(database, broker);
    TestBroker.await("the rows published", DEADLINE, () -> count(broker, inventory) >= 2);
    // Each failure is a cycle that, re-reading the unmarked rows, would publish them again.
    TestBroker.await("three failed marks", DEADLINE, () -> publisher.markFailures() >= 3);
    assertEquals(2, broker.messageCount(inventory), "published again while unmarked");
    assertEquals(2, backlog(database));

    execute(database, "DROP TRIGGER refuse_marks");

    awaitAllSent(database);
    assertEquals(2, broker.messageCount(inventory));
  }

  @Test
  void aNackedEventStaysUnsentAndGoesOnceAQueueTakesIt(TestBroker broker) throws Exception {
    Topology topology = declared(broker);
    String exchange = topology.name("publisher-nack");
    String full = topology.name("publisher-full");
    String open = topology.name("publisher-open");
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
    List<OutboxEntry> committed = commit(database, exchange, 1);
    OutboxPublisher publisher = started(database, broker);
    publisher.submit(committed);

    TestBroker.await("a nack seen", DEADLINE, () -> publisher.failures() >= 1);
    assertEquals(1, backlog(database));
    try (Channel channel = broker.connection().createChannel()) {
      channel.queueDelete(full);
      channel.queueDeclare(open, true, false, false, Map.of());
      channel.queueBind(open, exchange, "order.created");
    }

    awaitAllSent(database);
    assertEquals(idsOf(committed), drainIds(broker, open, 1));
  }

  @Test
  void survivesAChannelFailureAndDeliversOnceTheExchangeExists(TestBroker broker) throws Exception {
    Topology topology = declared(broker);
    String late = topology.name("late");
    broker.deleteExchangeAfter(late);
    Database database = sqlite();
    commit(database, late, List.of(orderCreated()));
    OutboxPublisher publisher = started(database, broker);

    // Publishing to a missing exchange closes the publisher's channel; the row stays unsent.
    TestBroker.await("a failed publish", DEADLINE, () -> publisher.failures() >= 1);
    assertEquals(1, backlog(database));
    // Routes to the orders exchange from the moment it exists: no window where it is unroutable.
    try (Channel channel = broker.connection().createChannel()) {
      channel.exchangeDeclare(
          late, "fanout", true, false, Map.of("alternate-exchange", topology.ordersExchange()));
    }

    awaitAllSent(database);
    assertEquals(0, publisher.unroutable());
    assertEquals(1, drain(broker, topology.queue(Topology.INVENTORY_QUEUE), 1).size());
  }

  @Test
  void twoPublishersOnOnePostgresqlHandedTheSameRowsSendEachEventOnce(TestBroker broker)
      throws Exception {
    Topology topology = declared(broker);
    String url = TestDatabases.freshPostgresSchema();
    Database database = Database.open(url);
    toClose.add(database);
    toClose.add(() -> dropSchema(database, url));
    database.migrate("publisher-it");
    OutboxPublisher first = started(database, broker);
    OutboxPublisher second = started(database, broker);
    Set<String> expected = new HashSet<>();
    for (int batch = 0; batch < 30; batch++) {
      List<OutboxEntry> committed = commit(database, topology.ordersExchange(), 10);
      expected.addAll(idsOf(committed));
      // The worst case: both instances are handed every row, and both sweep beside that.
      first.submit(committed);
      second.submit(committed);
      if (batch % 3 == 0) {
        first.wakeUp();
        second.wakeUp();
      }
    }

    awaitAllSent(database);
    String inventory = topology.queue(Topology.INVENTORY_QUEUE);
    assertEquals(expected, drainIds(broker, inventory, 300));
  }

  private static void awaitAllSent(Database database) {
    TestBroker.await("every outbox row sent", DEADLINE, () -> backlogQuietly(database) == 0);
  }

  private static void execute(Database database, String sql) throws SQLException {
    try (Connection connection = database.open();
        java.sql.Statement statement = connection.createStatement()) {
      statement.execute(sql);
      connection.commit();
    }
  }

  private static long distinctSentAt(Database database) throws SQLException {
    try (Connection connection = database.open();
        Statement statement = connection.createStatement();
        java.sql.ResultSet rows =
            statement.executeQuery("SELECT COUNT(DISTINCT sent_at) FROM outbox")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static long backlogQuietly(Database database) {
    try {
      return backlog(database);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The span's context as a receiver of its traceparent sees it. */
  private static SpanContext remote(SpanData span) {
    return SpanContext.createFromRemoteParent(
        span.getTraceId(),
        span.getSpanId(),
        span.getSpanContext().getTraceFlags(),
        TraceState.getDefault());
  }

  private Topology declared(TestBroker broker) throws Exception {
    Topology topology = broker.topology();
    try (Channel channel = broker.connection().createChannel()) {
      topology.declare(channel);
    }
    return topology;
  }

  private Database sqlite() throws SQLException {
    Database database = closedAfter(Database.open(TestDatabases.sqlite(dir)));
    database.migrate("publisher-it");
    return database;
  }

  private static List<OutboxEntry> commit(Database database, String exchange, int count)
      throws SQLException {
    List<EventEnvelope> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(orderCreated());
    }
    return commit(database, exchange, events);
  }

  private static List<OutboxEntry> commit(
      Database database, String exchange, List<EventEnvelope> events) throws SQLException {
    try (Connection connection = database.open()) {
      List<OutboxEntry> entries = StoreFixtures.addAll(connection, exchange, events);
      connection.commit();
      return entries;
    }
  }

  private OutboxPublisher started(Database database, TestBroker broker) {
    com.rabbitmq.client.Connection connection =
        closedAfter(new BrokerConnector(broker.settings(), "outbox-publisher-it").connect("it"));
    OutboxPublisher publisher =
        closedAfter(new OutboxPublisher(database, connection, "it", Tracing.OFF));
    publisher.start();
    return publisher;
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

  /** Takes exactly {@code expected} messages off a queue, each event once, and nothing more. */
  private static Set<String> drainIds(TestBroker broker, String queue, int expected)
      throws Exception {
    Set<String> ids = new HashSet<>();
    for (GetResponse response : drain(broker, queue, expected)) {
      ids.add(response.getProps().getMessageId());
    }
    assertEquals(expected, ids.size(), "an event arrived twice");
    return ids;
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
