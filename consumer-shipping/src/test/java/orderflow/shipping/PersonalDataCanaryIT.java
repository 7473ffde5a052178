package orderflow.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.process.ServiceMain;
import orderflow.envelope.ShippingAddress;
import orderflow.inventory.InventoryService;
import orderflow.orderservice.OrderDetails;
import orderflow.orderservice.OrderService;
import orderflow.orderservice.OrderStatus;
import orderflow.orderservice.OwnEvents;
import orderflow.orderservice.PersonalData;
import orderflow.privacy.AddressCipher;
import orderflow.producer.ProducerCommand;
import orderflow.store.Database;
import orderflow.store.Dialect;
import orderflow.stream.StreamStart;
import orderflow.stream.StreamWalk;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.Tee;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.testing.TestSettings;
import orderflow.topology.BindingSpec;
import orderflow.topology.RetryTiers;
import orderflow.topology.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The canary of docs/architecture.md section 3.1: orders whose addresses are recognisable strings
 * go through the whole saga; those strings then appear in clear in no message the broker routed (a
 * queue of the test bound to every exchange, dead letters included), not in the events stream, the
 * databases (files and WAL on SQLite, every table on PostgreSQL) or the logs. The owner's view
 * shows the address; after the erasure it does not, the order is still SHIPPED, another customer's
 * address still reads, and a rebuild from the stream agrees.
 */
@ExtendWith(RabbitMqExtension.class)
class PersonalDataCanaryIT {
  private static final RetryTiers TIERS = RetryTiers.parse("100ms");
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final List<ServiceMain.RunningService> running = new ArrayList<>();
  private final List<String> schemas = new ArrayList<>();
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  private final PrintStream err = System.err;
  private final PrintStream out = System.out;

  @AfterEach
  void stop() throws Exception {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).stop();
    }
    System.setErr(err);
    System.setOut(out);
    for (String schema : schemas) {
      TestDatabases.dropPostgresSchema(schema);
    }
  }

  @Test
  void onSqliteNoCopyHoldsTheAddressAndErasureLeavesTheOrderShipped(TestBroker broker)
      throws Exception {
    canary(broker, () -> TestDatabases.sqlite(dir));
  }

  @Test
  void onPostgresqlNoCopyHoldsTheAddressAndErasureLeavesTheOrderShipped(TestBroker broker)
      throws Exception {
    canary(
        broker,
        () -> {
          String url = TestDatabases.freshPostgresSchema();
          schemas.add(url);
          return url;
        });
  }

  private void canary(TestBroker broker, Supplier<String> databases) throws Exception {
    System.setErr(new PrintStream(new Tee(err, logs), true));
    System.setOut(new PrintStream(new Tee(out, logs), true));
    String mark = UUID.randomUUID().toString().substring(0, 8);
    ShippingAddress alice = new ShippingAddress("Canal " + mark, "Gouda" + mark, "Z" + mark, "NL");
    ShippingAddress bob = new ShippingAddress("Dijk " + mark, "Edam" + mark, "Y" + mark, "NL");
    List<String> secrets =
        Stream.of(alice, bob)
            .flatMap(a -> Stream.of(a.street(), a.city(), a.postalCode()))
            .toList();
    Topology topology = broker.topology(TIERS);
    String canary = broker.namespace() + ".canary";
    broker.deleteAfter(canary);
    Channel channel = broker.connection().createChannel();
    topology.declare(channel);
    channel.queueDeclare(canary, false, false, false, null);
    channel.queueBind(canary, topology.ordersExchange(), "#");
    for (BindingSpec binding : topology.bindings()) {
      channel.queueBind(canary, binding.exchange(), binding.routingKey());
    }

    List<String> urls = List.of(databases.get(), databases.get(), databases.get());
    ConsumerSettings settings =
        TestSettings.builder().prefetch(50).tiers(TIERS).maxRetries(1).httpPort(0).build();
    running.add(
        ServiceMain.start(
            broker.settings(), settings, urls.get(0), InventoryService.definition(100)));
    running.add(
        ServiceMain.start(
            broker.settings(),
            settings,
            urls.get(1),
            ShippingService.definition(Clock.systemUTC())));
    String ordersDb = urls.get(2);
    Clock clock = Clock.systemUTC();
    OwnEvents ownEvents = new OwnEvents();
    ServiceMain.RunningService orders =
        ServiceMain.start(
            broker.settings(),
            settings,
            ordersDb,
            OrderService.definition(Dialect.of(ordersDb), clock, ownEvents),
            (db, publisher) ->
                OrderService.api(
                    db,
                    topology.ordersExchange(),
                    clock,
                    ownEvents,
                    publisher::submit,
                    orderflow.orderservice.auth.TokenVerifier.none()));
    running.add(orders);
    String base = "http://127.0.0.1:" + orders.httpPort();
    String aliceId = "alice-" + mark;
    String bobId = "bob-" + mark;
    String aliceOrder = place(base, aliceId, alice);
    String aliceSecond = place(base, aliceId, alice);
    String bobOrder = place(base, bobId, bob);

    List<byte[]> routed = new ArrayList<>();
    try (Database database = Database.open(ordersDb)) {
      PersonalData owner =
          new PersonalData(
              database, topology.ordersExchange(), AddressCipher.fromEnvironment(), clock, e -> {});
      TestBroker.await(
          "every order shipped",
          DEADLINE,
          () ->
              Stream.of(aliceOrder, aliceSecond, bobOrder)
                  .allMatch(id -> status(owner, id) == OrderStatus.SHIPPED));
      assertEquals(alice, owner.show(aliceOrder).orElseThrow().shippingAddress());
      assertEquals(bob, owner.show(bobOrder).orElseThrow().shippingAddress());

      drain(channel, canary, routed);
      byte[] created =
          routed.stream()
              .filter(b -> new String(b, StandardCharsets.UTF_8).contains(aliceOrder))
              .findFirst()
              .orElseThrow();
      ObjectNode unreadable = (ObjectNode) JSON.readTree(created);
      ((ObjectNode) unreadable.get("metadata")).put("version", "9");
      unreadable.put("eventId", UUID.randomUUID().toString());
      channel.basicPublish(
          topology.ordersExchange(), "order.created", null, JSON.writeValueAsBytes(unreadable));
      String inventoryDlq = topology.queue(InventoryService.definition(100).workQueue()) + ".dlq";
      TestBroker.await(
          "a dead letter holding the encrypted address",
          DEADLINE,
          () -> count(broker, inventoryDlq) >= 1);

      String erased =
          producer(
              "customers",
              "erase",
              aliceId,
              "--db",
              ordersDb,
              "--namespace",
              broker.namespace(),
              "--json");
      assertEquals(
          erased,
          producer(
              "customers",
              "erase",
              aliceId,
              "--db",
              ordersDb,
              "--namespace",
              broker.namespace(),
              "--json"));
      TestBroker.await(
          "CustomerDataErased published from the order service's outbox",
          DEADLINE,
          () -> {
            drain(channel, canary, routed);
            return routed.stream()
                .anyMatch(
                    b -> new String(b, StandardCharsets.UTF_8).contains("CustomerDataErased"));
          });

      for (int pass = 0; pass < 2; pass++) {
        OrderDetails gone = owner.show(aliceOrder).orElseThrow();
        assertTrue(gone.erased());
        assertEquals(ShippingAddress.country("NL"), gone.shippingAddress());
        assertEquals(OrderStatus.SHIPPED, gone.state().status());
        assertTrue(owner.show(aliceSecond).orElseThrow().erased());
        assertEquals(bob, owner.show(bobOrder).orElseThrow().shippingAddress());
        if (pass == 0) {
          producer(
              "orders",
              "rebuild",
              "--from-stream",
              "--db",
              ordersDb,
              "--namespace",
              broker.namespace(),
              "--uri",
              broker.uriString(),
              "--json");
        }
      }
      String shown = producer("orders", "show", aliceOrder, "--db", ordersDb, "--json");
      assertTrue(shown.contains("\"erased\":true"), shown);
      assertTrue(shown.contains("\"status\":\"SHIPPED\""), shown);
    }

    List<String> copies = new ArrayList<>();
    drain(channel, canary, routed);
    routed.forEach(b -> copies.add(new String(b, StandardCharsets.UTF_8)));
    assertTrue(copies.stream().anyMatch(c -> c.contains("enc1.")), "encrypted values were routed");
    StreamWalk walk = new StreamWalk(broker.connection(), topology.eventsStream(), false, 500);
    walk.walk(
        StreamStart.FIRST,
        () -> false,
        batch ->
            batch.forEach(
                r -> copies.add(new String(r.delivery().getBody(), StandardCharsets.UTF_8))));
    for (String url : urls) {
      copies.addAll(databaseContents(url));
    }
    copies.add(logs.toString(StandardCharsets.UTF_8));
    for (String copy : copies) {
      for (String secret : secrets) {
        assertFalse(copy.contains(secret), "'" + secret + "' in clear in " + abbreviated(copy));
      }
    }
  }

  /** What a database holds: every file of SQLite (WAL included), every table of PostgreSQL. */
  private List<String> databaseContents(String url) throws Exception {
    List<String> contents = new ArrayList<>();
    if (url.startsWith("jdbc:sqlite:")) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          contents.add(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
        }
      }
      return contents;
    }
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT table_name FROM information_schema.tables"
                  + " WHERE table_schema = current_schema()")) {
        while (rows.next()) {
          tables.add(rows.getString(1));
        }
      }
      for (String table : tables) {
        try (ResultSet rows = statement.executeQuery("SELECT t::text FROM \"" + table + "\" t")) {
          while (rows.next()) {
            contents.add(rows.getString(1));
          }
        }
      }
    }
    return contents;
  }

  private static OrderStatus status(PersonalData owner, String orderId) {
    try {
      return owner.show(orderId).map(d -> d.state().status()).orElse(null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long count(TestBroker broker, String queue) {
    try {
      return broker.messageCount(queue);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void drain(Channel channel, String queue, List<byte[]> into) {
    try {
      for (GetResponse got = channel.basicGet(queue, true);
          got != null;
          got = channel.basicGet(queue, true)) {
        into.add(got.getBody());
        Map<String, Object> headers = got.getProps().getHeaders();
        into.add(
            (String.valueOf(got.getEnvelope().getRoutingKey()) + headers + got.getProps())
                .getBytes(StandardCharsets.UTF_8));
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String producer(String... args) {
    StringWriter output = new StringWriter();
    StringWriter errors = new StringWriter();
    int exit =
        new CommandLine(new ProducerCommand())
            .setOut(new PrintWriter(output))
            .setErr(new PrintWriter(errors))
            .execute(args);
    assertEquals(0, exit, String.join(" ", args) + ": " + errors);
    return output.toString();
  }

  private static String place(String base, String customer, ShippingAddress address)
      throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("customerId", customer);
    body.put("items", List.of(Map.of("productId", "p1", "quantity", 1, "price", 9.5)));
    body.put("shippingAddress", address);
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base + "/orders"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(201, response.statusCode(), response.body());
    return JSON.readTree(response.body()).path("orderId").asText();
  }

  private static String abbreviated(String copy) {
    return copy.length() <= 300 ? copy : copy.substring(0, 300) + "...";
  }
}
