package orderflow.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import orderflow.broker.BrokerConnector;
import orderflow.broker.FailureLine;
import orderflow.config.BrokerSettings;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.process.ServiceMain;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.envelope.ReservedItem;
import orderflow.inventory.InventoryService;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.EventMessages;
import orderflow.publish.OutgoingMessage;
import orderflow.publish.PublishOutcome;
import orderflow.store.Database;
import orderflow.testing.BrokerAccounts;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.testing.TestSettings;
import orderflow.topology.RetryTiers;
import orderflow.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The saga under the accounts {@code bin/accounts} creates, one per process, each service started
 * with {@code --no-declare} after an admin declared the topology: orders still end shipped or
 * rejected, retries and dead letters still flow (through each service's own failure exchange), and
 * the broker refuses what an account must not do, saying which resource and which permission.
 */
@ExtendWith(RabbitMqExtension.class)
class LeastPrivilegeSagaIT {
  private static final int ORDERS = 40;
  private static final RetryTiers TIERS = RetryTiers.parse("100ms,200ms");

  @TempDir Path dir;

  private static ConsumerSettings settings() {
    // Failures injected so retries go through the failure exchanges under restricted accounts.
    return TestSettings.builder()
        .prefetch(50)
        .tiers(TIERS)
        .maxRetries(12)
        .injectFailureRate(0.2)
        .breakerThreshold(100_000)
        .breakerReset(Duration.ofSeconds(1))
        .batchSize(20)
        .shutdownTimeout(Duration.ofSeconds(20))
        .declareTopology(false)
        .build();
  }

  @Test
  void sagaRunsWithOneRestrictedAccountPerProcessAndTheBrokerRefusesForgedEvents(TestBroker broker)
      throws Exception {
    Topology topology = broker.topology(TIERS);
    Map<String, EventType> endStates = new ConcurrentHashMap<>();
    String observed = broker.namespace() + ".observer";
    broker.deleteAfter(observed);
    Channel admin = broker.connection().createChannel();
    topology.declare(admin);
    observe(admin, topology, observed, endStates);

    try (BrokerAccounts accounts = BrokerAccounts.create(broker)) {
      String shippingDb = TestDatabases.sqlite(dir);
      ServiceMain.RunningService inventory =
          ServiceMain.start(
              settingsFor(accounts, BrokerAccounts.INVENTORY, broker),
              settings(),
              TestDatabases.sqlite(dir),
              InventoryService.definition(20));
      ServiceMain.RunningService shipping =
          ServiceMain.start(
              settingsFor(accounts, BrokerAccounts.SHIPPING, broker),
              settings(),
              shippingDb,
              ShippingService.definition(Clock.systemUTC()));
      try (Connection producer =
          new BrokerConnector(settingsFor(accounts, BrokerAccounts.PRODUCER, broker), "it")
              .connect("producer")) {
        Set<String> orders = publishOrders(producer, topology);
        TestBroker.await(
            "every order shipped or rejected",
            Duration.ofSeconds(120),
            () -> orders.stream().allMatch(endStates::containsKey));
        long shipped =
            orders.stream().filter(id -> endStates.get(id) == EventType.ORDER_SHIPPED).count();
        assertTrue(shipped > 0 && shipped < ORDERS, "some shipped, some rejected: " + shipped);

        // Given a well-formed InventoryReserved only inventory may publish,
        // when the producer's account publishes it, then the broker refuses it.
        String forgedOrder = UUID.randomUUID().toString();
        Refused forged = publishForged(producer, topology, forgedOrder);
        assertEquals(PublishOutcome.UNCONFIRMED, forged.outcome());
        String reply = forged.reply().orElseThrow(() -> new AssertionError("no broker reply"));
        assertTrue(reply.contains("ACCESS_REFUSED"), reply);
        assertTrue(reply.contains("access to topic 'inventory.reserved'"), reply);
        assertTrue(reply.contains("exchange '" + topology.ordersExchange() + "'"), reply);
        assertTrue(reply.contains("user '" + accounts.user(BrokerAccounts.PRODUCER) + "'"), reply);

        // Nor may a service write into another's queue through the default exchange.
        Refused direct = publishToDefaultExchange(accounts, broker, topology);
        assertTrue(
            direct.reply().orElse("").contains("access to exchange 'amq.default'"),
            String.valueOf(direct.reply()));

        // A body no one can decode still reaches the DLQ through inventory's failure exchange.
        admin.basicPublish(
            "",
            topology.queue(Topology.INVENTORY_QUEUE),
            new AMQP.BasicProperties.Builder().messageId("not-json").deliveryMode(2).build(),
            "not json".getBytes(StandardCharsets.UTF_8));
        String dlq = topology.deadLetterQueue(Topology.INVENTORY_QUEUE);
        TestBroker.await(
            "the undecodable message in " + dlq,
            Duration.ofSeconds(30),
            () -> count(broker, dlq) == 1);

        try (Database database = Database.open(shippingDb);
            java.sql.Connection connection = database.open();
            Statement sql = connection.createStatement();
            ResultSet rows =
                sql.executeQuery(
                    "SELECT COUNT(*) FROM shipments WHERE order_id = '" + forgedOrder + "'")) {
          rows.next();
          assertEquals(0, rows.getInt(1), "the forged reservation was never shipped");
        }
        assertFalse(endStates.containsKey(forgedOrder));
      } finally {
        shipping.stop();
        inventory.stop();
      }
    } finally {
      admin.close();
    }
  }

  @Test
  void aServiceOnAnotherAccountIsRefusedWithTheBrokersWordsNamingQueueAndUser(TestBroker broker)
      throws Exception {
    Topology topology = broker.topology(TIERS);
    try (Channel admin = broker.connection().createChannel()) {
      topology.declare(admin);
    }
    try (BrokerAccounts accounts = BrokerAccounts.create(broker)) {
      Exception refused =
          assertThrows(
              Exception.class,
              () ->
                  ServiceMain.start(
                      settingsFor(accounts, BrokerAccounts.INVENTORY, broker),
                      settings(),
                      TestDatabases.sqlite(dir),
                      ShippingService.definition(Clock.systemUTC())));
      String message = FailureLine.describe(refused);
      assertTrue(message.contains("ACCESS_REFUSED"), message);
      assertTrue(message.contains("queue '" + topology.queue("shipping") + "'"), message);
      assertTrue(message.contains(accounts.user(BrokerAccounts.INVENTORY)), message);
    }
  }

  @Test
  void noDeclareWithoutTheTopologyStopsNamingWhatIsMissingAndDeclaresNothing(TestBroker broker)
      throws Exception {
    Topology topology = broker.topology(TIERS);

    IllegalStateException missing =
        assertThrows(
            IllegalStateException.class,
            () ->
                ServiceMain.start(
                    broker.settings(),
                    settings(),
                    TestDatabases.sqlite(dir),
                    ShippingService.definition(Clock.systemUTC())));

    String message = missing.getMessage();
    assertTrue(message.contains("exchange '" + topology.ordersExchange() + "' is missing"));
    assertTrue(
        message.contains(
            "exchange '" + topology.failureExchange(Topology.SHIPPING_QUEUE) + "' is missing"),
        message);
    assertTrue(message.contains("queue '" + topology.queue("shipping") + "' is missing"), message);
    assertTrue(message.contains("producer topology declare"), message);
    assertFalse(message.contains(topology.queue("inventory") + "'"), "only its own: " + message);
    // The failed passive declare closes the probe's channel itself.
    Channel probe = broker.connection().createChannel();
    assertThrows(
        java.io.IOException.class, () -> probe.queueDeclarePassive(topology.queue("shipping")));
  }

  private static BrokerSettings settingsFor(BrokerAccounts accounts, String role, TestBroker b) {
    return new BrokerSettings(accounts.uri(role), b.namespace());
  }

  private static void observe(
      Channel channel, Topology topology, String queue, Map<String, EventType> endStates)
      throws java.io.IOException {
    EventCodec codec = new EventCodec();
    channel.queueDeclare(queue, false, false, false, null);
    channel.queueBind(queue, topology.ordersExchange(), "#");
    channel.basicConsume(
        queue,
        true,
        (tag, delivery) -> {
          EventEnvelope event = codec.decode(delivery.getBody());
          if (event.eventType() == EventType.ORDER_SHIPPED
              || event.eventType() == EventType.INVENTORY_REJECTED) {
            endStates.put(event.payload().orderId(), event.eventType());
          }
        },
        tag -> {});
  }

  private static Set<String> publishOrders(Connection producer, Topology topology)
      throws Exception {
    EventMessages messages = new EventMessages(new EventCodec());
    Set<String> orders = ConcurrentHashMap.newKeySet();
    List<CompletableFuture<PublishOutcome>> confirms = new ArrayList<>();
    try (ConfirmingPublisher publisher = new ConfirmingPublisher(producer.createChannel(), 100)) {
      for (int i = 0; i < ORDERS; i++) {
        String orderId = UUID.randomUUID().toString();
        // 20 units of stock, orders of 3: about six are served, the rest rejected.
        OrderItem item = new OrderItem("lp-1", 3, new BigDecimal("2.50"));
        EventEnvelope order =
            EventEnvelope.first(OrderCreated.of(orderId, "lp", List.of(item)), "producer");
        orders.add(orderId);
        confirms.add(publisher.publish(messages.toMessage(order, topology.ordersExchange())));
      }
      for (CompletableFuture<PublishOutcome> confirm : confirms) {
        assertEquals(
            PublishOutcome.CONFIRMED, ConfirmingPublisher.await(confirm, Duration.ofSeconds(30)));
      }
    }
    return orders;
  }

  private static Refused publishForged(Connection producer, Topology topology, String orderId)
      throws Exception {
    InventoryReserved reserved =
        new InventoryReserved(
            orderId, UUID.randomUUID().toString(), List.of(new ReservedItem("lp-1", 1)));
    EventEnvelope forged = EventEnvelope.first(reserved, "inventory");
    OutgoingMessage message =
        new EventMessages(new EventCodec()).toMessage(forged, topology.ordersExchange());
    try (ConfirmingPublisher publisher = new ConfirmingPublisher(producer.createChannel(), 1)) {
      PublishOutcome outcome =
          ConfirmingPublisher.await(publisher.publish(message), Duration.ofSeconds(10));
      return new Refused(outcome, publisher.refusal());
    }
  }

  private static Refused publishToDefaultExchange(
      BrokerAccounts accounts, TestBroker broker, Topology topology) throws Exception {
    try (Connection inventory =
            new BrokerConnector(settingsFor(accounts, BrokerAccounts.INVENTORY, broker), "it")
                .connect("inventory");
        ConfirmingPublisher publisher = new ConfirmingPublisher(inventory.createChannel(), 1)) {
      OutgoingMessage message =
          new OutgoingMessage(
              "",
              topology.queue(Topology.SHIPPING_QUEUE),
              new AMQP.BasicProperties.Builder().messageId("x").build(),
              new byte[0]);
      PublishOutcome outcome =
          ConfirmingPublisher.await(publisher.publish(message), Duration.ofSeconds(10));
      return new Refused(outcome, publisher.refusal());
    }
  }

  private static long count(TestBroker broker, String queue) {
    try {
      return broker.messageCount(queue);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private record Refused(PublishOutcome outcome, Optional<String> reply) {}
}
