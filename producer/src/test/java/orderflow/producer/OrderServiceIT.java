package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.process.ServiceMain;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.ShippingAddress;
import orderflow.orderservice.OrderEventStore;
import orderflow.orderservice.OrderEventStore.StoredEvent;
import orderflow.orderservice.OrderFold;
import orderflow.orderservice.OrderReadModel;
import orderflow.orderservice.OrderService;
import orderflow.orderservice.OwnEvents;
import orderflow.orderservice.SagaEvents;
import orderflow.privacy.AddressCipher;
import orderflow.publish.EventMessages;
import orderflow.publish.OutgoingMessage;
import orderflow.store.Database;
import orderflow.store.Dialect;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.testing.TestSettings;
import orderflow.topology.RetryTiers;
import orderflow.topology.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order service in-process against the real broker: the projection (reverse delivery,
 * duplicates), the queries and rebuild through the command line, and the order API with its
 * idempotency and error cases.
 */
@ExtendWith(RabbitMqExtension.class)
class OrderServiceIT {
  private static final RetryTiers TIERS = RetryTiers.parse("100ms");
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String ORDER_JSON =
      "{\"customerId\":\"carol\",\"items\":[{\"productId\":\"sku-9\",\"quantity\":3,"
          + "\"price\":2.50}]}";

  @TempDir Path dir;
  private static final ApiAnswers ANSWERS = new ApiAnswers();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void eventsDeliveredInReverseFoldToTheSameStateAndADuplicateChangesNothing(TestBroker broker)
      throws Exception {
    String db = TestDatabases.sqlite(dir);
    projectsReverseDeliveryAndDuplicates(broker, db);
  }

  @Test
  void theProjectionWorksTheSameOnPostgres(TestBroker broker) throws Exception {
    projectsReverseDeliveryAndDuplicates(broker, TestDatabases.freshPostgresSchema());
  }

  private void projectsReverseDeliveryAndDuplicates(TestBroker broker, String db) throws Exception {
    Topology topology = broker.topology(TIERS);
    SagaEvents saga = new SagaEvents("alice");
    ServiceMain.RunningService service = start(broker, db);
    try (Channel channel = confirmingChannel(broker, topology)) {
      publish(channel, topology, saga.shipped, saga.reserved, saga.created);
      awaitStatus(db, saga.orderId(), "SHIPPED", 3);

      // A duplicate, then a marker behind it on the same queue: once the marker is in, the
      // duplicate has been handled.
      SagaEvents marker = new SagaEvents("marker");
      publish(channel, topology, saga.created, marker.created);
      awaitStatus(db, marker.orderId(), "CREATED", 1);

      assertEquals(3, count(db, "SELECT COUNT(*) FROM order_events WHERE order_id = ?", saga));
      CommandRun.Result shown =
          CommandRun.run("orders", "show", saga.orderId(), "--db", db, "--json");
      assertEquals(0, shown.exitCode(), shown.toString());
      JsonNode order = EventCodec.mapper().readTree(shown.out());
      assertEquals("SHIPPED", order.get("status").asText());
      assertEquals("alice", order.get("customerId").asText());
      assertEquals("19.98", order.get("totalAmount").decimalValue().toPlainString());
      assertEquals("sku-1", order.get("items").get(0).get("productId").asText());
      assertEquals("DHL", order.get("carrier").asText());
      JsonNode events = order.get("events");
      assertEquals(3, events.size());
      assertEquals("OrderCreated", events.get(0).get("eventType").asText());
      assertEquals("InventoryReserved", events.get(1).get("eventType").asText());
      assertEquals("OrderShipped", events.get(2).get("eventType").asText());
      assertEquals(saga.created.eventId().toString(), events.get(0).get("eventId").asText());
      assertTrue(events.get(0).has("timestamp"));
    } finally {
      service.stop();
    }
  }

  @Test
  void queriesListFilterAndRebuildReproducesTheReadModelExactly(TestBroker broker)
      throws Exception {
    Topology topology = broker.topology(TIERS);
    String db = TestDatabases.sqlite(dir);
    SagaEvents shipped = new SagaEvents("dave");
    SagaEvents rejected = new SagaEvents("erin");
    ServiceMain.RunningService service = start(broker, db);
    try (Channel channel = confirmingChannel(broker, topology)) {
      publish(channel, topology, shipped.created, shipped.reserved, shipped.shipped);
      publish(channel, topology, rejected.rejected, rejected.created);
      awaitStatus(db, shipped.orderId(), "SHIPPED", 3);
      awaitStatus(db, rejected.orderId(), "REJECTED", 2);
    } finally {
      service.stop();
    }

    JsonNode onlyShipped =
        json(CommandRun.run("orders", "list", "--db", db, "--status", "shipped", "--json"));
    assertEquals(1, onlyShipped.size());
    assertEquals(shipped.orderId(), onlyShipped.get(0).get("orderId").asText());
    assertTrue(!onlyShipped.get(0).has("events"));
    JsonNode erin =
        json(CommandRun.run("orders", "list", "--db", db, "--customer", "erin", "--json"));
    assertEquals(1, erin.size());
    assertTrue(erin.get(0).get("rejectionReason").asText().contains("sku-1"));
    assertEquals(2, json(CommandRun.run("orders", "list", "--db", db, "--json")).size());
    assertEquals(
        1, json(CommandRun.run("orders", "list", "--db", db, "--limit", "1", "--json")).size());
    assertEquals(
        0,
        json(CommandRun.run(
                "orders", "list", "--db", db, "--since", "2999-01-01T00:00:00Z", "--json"))
            .size());

    JsonNode clean = json(CommandRun.run("orders", "rebuild", "--db", db, "--json"));
    assertEquals(2, clean.get("rebuilt").asInt());
    assertEquals(0, clean.get("differences").size(), clean.toString());

    execute(db, "UPDATE orders SET status = 'CREATED', carrier = NULL WHERE order_id = ?", shipped);
    execute(db, "DELETE FROM orders WHERE order_id = ?", rejected);
    JsonNode repaired = json(CommandRun.run("orders", "rebuild", "--db", db, "--json"));
    assertEquals(2, repaired.get("differences").size(), repaired.toString());
    JsonNode again = json(CommandRun.run("orders", "rebuild", "--db", db, "--json"));
    assertEquals(0, again.get("differences").size(), again.toString());
    assertEquals(
        "SHIPPED",
        json(CommandRun.run("orders", "show", shipped.orderId(), "--db", db, "--json"))
            .get("status")
            .asText());

    CommandRun.Result unknown = CommandRun.run("orders", "show", "no-such-order", "--db", db);
    assertEquals(1, unknown.exitCode(), unknown.toString());
    assertEquals(1, unknown.err().lines().count(), unknown.toString());
    CommandRun.Result missing =
        CommandRun.run("orders", "list", "--db", "jdbc:sqlite:" + dir.resolve("none.db"));
    assertEquals(1, missing.exitCode(), missing.toString());
    assertTrue(missing.err().contains("no database at"), missing.toString());
    assertEquals(2, CommandRun.run("orders", "list", "--db", db, "--status", "LOST").exitCode());
  }

  @Test
  void postTwiceWithOneIdempotencyKeyGivesOneOrderAndOneOrderCreated(TestBroker broker)
      throws Exception {
    Topology topology = broker.topology(TIERS);
    String db = TestDatabases.sqlite(dir);
    String observed = broker.namespace() + ".created-observer";
    broker.deleteAfter(observed);
    ServiceMain.RunningService service = start(broker, db);
    try (Channel observer = broker.connection().createChannel()) {
      topology.declare(observer);
      observer.queueDeclare(observed, false, false, false, null);
      observer.queueBind(observed, topology.ordersExchange(), "order.created");

      HttpResponse<String> first = post(service, ORDER_JSON, "key-1");
      HttpResponse<String> second = post(service, ORDER_JSON, "key-1");
      HttpResponse<String> other = post(service, ORDER_JSON, null);

      assertEquals(201, first.statusCode(), first.body());
      assertEquals(201, second.statusCode(), second.body());
      String orderId = json(first.body()).get("orderId").asText();
      assertEquals(orderId, json(second.body()).get("orderId").asText());
      assertEquals("/orders/" + orderId, first.headers().firstValue("Location").orElseThrow());
      assertNotEquals(orderId, json(other.body()).get("orderId").asText());

      // The order is readable at once, from the transaction that wrote it.
      HttpResponse<String> head = head(service, "/orders/" + orderId);
      assertEquals(200, head.statusCode());
      assertEquals("", head.body());
      assertEquals("application/json", head.headers().firstValue("Content-Type").orElseThrow());
      assertEquals(200, head(service, "/orders?customerId=carol").statusCode());
      HttpResponse<String> shown = get(service, "/orders/" + orderId);
      assertEquals(200, shown.statusCode());
      assertEquals("CREATED", json(shown.body()).get("status").asText());
      assertEquals("carol", json(shown.body()).get("customerId").asText());
      assertEquals(
          2,
          json(get(service, "/orders?customerId=carol&status=CREATED").body())
              .get("orders")
              .size());

      // Written without reading back: the store holds the outbox's very body, and the row is the
      // fold of the stored history.
      assertEquals(
          2,
          count(
              db,
              "SELECT COUNT(*) FROM order_events e JOIN outbox o ON o.event_id = e.event_id"
                  + " WHERE e.body = CAST(o.body AS TEXT)",
              null));
      assertPlacedRowIsTheFoldOfItsHistory(db, orderId);

      // Two orders (the repeat wrote nothing), so two OrderCreated in the outbox and on the broker.
      assertEquals(
          2, count(db, "SELECT COUNT(*) FROM outbox WHERE event_type = 'OrderCreated'", null));
      TestBroker.await(
          "both OrderCreated published by the outbox relay",
          WAIT,
          () -> messageCount(broker, observed) == 2);
      HttpResponse<String> conflict =
          post(service, ORDER_JSON.replace("carol", "mallory"), "key-1");
      assertError(conflict, 409, null);
      assertEquals(
          "urn:orderflow:problem:idempotency-key-reused",
          json(conflict.body()).get("type").asText());
      assertEquals(2, count(db, "SELECT COUNT(*) FROM outbox", null));
    } finally {
      service.stop();
    }
  }

  @Test
  void anOrderPlacedHereComesBackAckedWithoutAWriteWhileAnotherOrderGoesThroughTheInbox(
      TestBroker broker) throws Exception {
    Topology topology = broker.topology(TIERS);
    String db = TestDatabases.sqlite(dir);
    ServiceMain.RunningService service = start(broker, db);
    try (Channel channel = confirmingChannel(broker, topology)) {
      HttpResponse<String> placed = post(service, ORDER_JSON, null);
      assertEquals(201, placed.statusCode(), placed.body());
      String orderId = json(placed.body()).get("orderId").asText();
      TestBroker.await(
          "the placed order's OrderCreated published",
          WAIT,
          () -> {
            try {
              return count(db, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL", null) == 0;
            } catch (SQLException e) {
              return false;
            }
          });
      // Behind it on the orders-view queue: once the marker is in, the placed order came back.
      SagaEvents marker = new SagaEvents("marker");
      publish(channel, topology, marker.created);
      awaitStatus(db, marker.orderId(), "CREATED", 1);

      String placedEvent =
          text(db, "SELECT event_id FROM order_events WHERE order_id = ?", orderId);
      assertEquals(
          0,
          countWith(db, "SELECT COUNT(*) FROM inbox WHERE event_id = ?", placedEvent),
          "no inbox row for the service's own OrderCreated");
      assertEquals(
          1,
          countWith(
              db,
              "SELECT COUNT(*) FROM inbox WHERE event_id = ?",
              marker.created.eventId().toString()),
          "an OrderCreated from elsewhere goes through the inbox");
      assertEquals(
          1, countWith(db, "SELECT COUNT(*) FROM order_events WHERE order_id = ?", orderId));
      awaitStatus(db, orderId, "CREATED", 1);
      TestBroker.await(
          "orders-view drained",
          WAIT,
          () -> messageCount(broker, topology.queue(Topology.ORDERS_VIEW_QUEUE)) == 0);
    } finally {
      service.stop();
    }
  }

  @Test
  void aPostedShippingAddressTravelsInTheOrderCreatedVersion3(TestBroker broker) throws Exception {
    Topology topology = broker.topology(TIERS);
    String db = TestDatabases.sqlite(dir);
    String observed = broker.namespace() + ".address-observer";
    broker.deleteAfter(observed);
    ServiceMain.RunningService service = start(broker, db);
    try (Channel observer = broker.connection().createChannel()) {
      topology.declare(observer);
      observer.queueDeclare(observed, false, false, false, null);
      observer.queueBind(observed, topology.ordersExchange(), "order.created");

      HttpResponse<String> posted =
          post(
              service,
              ORDER_JSON.replace(
                  "]}", "],\"shippingAddress\":{\"country\":\"AQ\",\"city\":\"McMurdo\"}}"),
              null);

      assertEquals(201, posted.statusCode(), posted.body());
      String orderId = json(posted.body()).get("orderId").asText();
      TestBroker.await(
          "OrderCreated published by the outbox relay",
          WAIT,
          () -> messageCount(broker, observed) == 1);
      GetResponse message = observer.basicGet(observed, true);
      EventEnvelope event = new EventCodec().decode(message.getBody());
      assertEquals("3", message.getProps().getHeaders().get("x-event-version").toString());
      OrderCreated created = event.payloadAs(OrderCreated.class);
      assertEquals(orderId, created.orderId());
      assertTrue(created.shippingAddress().isSealed());
      assertFalse(new String(message.getBody(), StandardCharsets.UTF_8).contains("McMurdo"));
      try (Database database = Database.open(db);
          Connection connection = database.openReadOnly()) {
        assertEquals(
            Optional.of(new ShippingAddress(null, "McMurdo", null, "AQ")),
            AddressCipher.fromEnvironment().open(connection, created));
      }
    } finally {
      service.stop();
    }
  }

  @Test
  void cancellingThroughTheApiPublishesOrderCancelledAndRefusesUnknownAndEndedOrders(
      TestBroker broker) throws Exception {
    Topology topology = broker.topology(TIERS);
    String db = TestDatabases.sqlite(dir);
    String observed = broker.namespace() + ".cancel-observer";
    broker.deleteAfter(observed);
    ServiceMain.RunningService service = start(broker, db);
    try (Channel observer = broker.connection().createChannel()) {
      topology.declare(observer);
      observer.queueDeclare(observed, false, false, false, null);
      observer.queueBind(observed, topology.ordersExchange(), "order.cancelled");
      String orderId = json(post(service, ORDER_JSON, null).body()).get("orderId").asText();

      String cancel = "/orders/" + orderId + "/cancel";
      HttpResponse<String> cancelled =
          postTo(service, cancel, "{\"reason\":\"wrong size\"}", "c-1");
      List<HttpResponse<String>> again = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        again.add(postTo(service, cancel, "{\"reason\":\"changed my mind " + i + "\"}", null));
      }
      HttpResponse<String> sameKey = postTo(service, cancel, "{\"reason\":\"wrong size\"}", "c-1");
      HttpResponse<String> keyReused = postTo(service, cancel, "{\"reason\":\"other\"}", "c-1");

      assertEquals(202, cancelled.statusCode(), cancelled.body());
      assertEquals("CANCELLATION_REQUESTED", json(cancelled.body()).get("status").asText());
      for (HttpResponse<String> repeat : again) {
        assertEquals(202, repeat.statusCode(), repeat.body());
        assertEquals("wrong size", json(repeat.body()).get("reason").asText(), "the first one");
        assertEquals("true", repeat.headers().firstValue("Idempotent-Replayed").orElseThrow());
      }
      assertEquals(202, sameKey.statusCode(), sameKey.body());
      assertError(keyReused, 409, null);
      assertEquals(
          1,
          count(db, "SELECT COUNT(*) FROM outbox WHERE event_type = 'OrderCancelled'", null),
          "repeated cancels write nothing");
      JsonNode shown = json(get(service, "/orders/" + orderId).body());
      assertEquals("wrong size", shown.get("cancellationReason").asText());
      TestBroker.await(
          "OrderCancelled published by the outbox relay",
          WAIT,
          () -> messageCount(broker, observed) == 1);
      assertError(postTo(service, "/orders/nobody/cancel", "", null), 404, null);
      // Checked before the order is looked up: an id no order can have is a 400, not a 404.
      assertError(
          postTo(service, "/orders/" + "x".repeat(129) + "/cancel", "", null), 400, "orderId");
      assertError(postTo(service, cancel, "{\"reason\":\"\"}", null), 400, "reason");
      assertRawError(raw(service, "POST", "/orders/%zz/cancel"), 400);
      HttpResponse<String> xml =
          http.send(
              request(service, cancel)
                  .header("Content-Type", "text/xml")
                  .POST(HttpRequest.BodyPublishers.ofString("<cancel/>"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertError(recorded(xml), 415, null);
      execute(
          db,
          "UPDATE orders SET status = 'SHIPPED', cancellation_reason = NULL WHERE order_id = ?",
          orderId);
      assertError(postTo(service, cancel, "", null), 409, null);
    } finally {
      service.stop();
    }
  }

  @Test
  void fiftyConcurrentCancelsOnPostgresWriteOneOrderCancelled(TestBroker broker) throws Exception {
    broker.topology(TIERS);
    String db = TestDatabases.freshPostgresSchema();
    ServiceMain.RunningService service = start(broker, db);
    try {
      String orderId = json(post(service, ORDER_JSON, null).body()).get("orderId").asText();
      HttpRequest cancel =
          request(service, "/orders/" + orderId + "/cancel")
              .POST(HttpRequest.BodyPublishers.noBody())
              .build();
      List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> answers =
          new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        answers.add(http.sendAsync(cancel, HttpResponse.BodyHandlers.ofString()));
      }
      int replayed = 0;
      for (var answer : answers) {
        HttpResponse<String> response = recorded(answer.get());
        assertEquals(202, response.statusCode(), response.body());
        replayed += response.headers().firstValue("Idempotent-Replayed").isPresent() ? 1 : 0;
      }
      assertEquals(49, replayed, "one cancel wrote, the others answered with it");
      assertEquals(
          1, count(db, "SELECT COUNT(*) FROM outbox WHERE event_type = 'OrderCancelled'", null));
      assertEquals(
          1,
          count(db, "SELECT COUNT(*) FROM order_events WHERE event_type = 'OrderCancelled'", null));
    } finally {
      service.stop();
    }
  }

  private HttpResponse<String> postTo(
      ServiceMain.RunningService service, String path, String body, String key) throws Exception {
    HttpRequest.Builder request = request(service, path);
    if (!body.isEmpty()) {
      request.header("Content-Type", "application/json");
    }
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return recorded(
        http.send(
            request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void listingPagesThroughEveryOrderWithACursorAndNoPageIsLargerThanAsked(TestBroker broker)
      throws Exception {
    broker.topology(TIERS);
    ServiceMain.RunningService service = start(broker, TestDatabases.sqlite(dir));
    try {
      Set<String> placed = new HashSet<>();
      for (int i = 0; i < 7; i++) {
        placed.add(json(post(service, ORDER_JSON, null).body()).get("orderId").asText());
      }
      Set<String> listed = new HashSet<>();
      String path = "/orders?customerId=carol&limit=3";
      int pages = 0;
      while (path != null) {
        HttpResponse<String> response = get(service, path);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode page = json(response.body());
        assertTrue(page.get("orders").size() <= 3, response.body());
        page.get("orders").forEach(order -> listed.add(order.get("orderId").asText()));
        pages++;
        JsonNode next = page.get("nextCursor");
        path = next.isNull() ? null : "/orders?customerId=carol&limit=3&cursor=" + next.asText();
      }
      assertEquals(placed, listed);
      assertEquals(3, pages);
    } finally {
      service.stop();
    }
  }

  @Test
  void theApiAnswersEachBadRequestWithTheRightStatusAndAJsonError(TestBroker broker)
      throws Exception {
    broker.topology(TIERS);
    ServiceMain.RunningService service = start(broker, TestDatabases.sqlite(dir));
    try {
      assertError(post(service, "{not json", null), 400, "body");
      assertError(post(service, "[]", null), 400, "body");
      assertError(post(service, "", null), 400, "body");
      assertError(post(service, "{\"items\":[]}", null), 400, "customerId");
      assertError(post(service, "{\"customerId\":\"c\",\"items\":[]}", null), 400, "items");
      assertError(
          post(service, ORDER_JSON.replace("\"quantity\":3", "\"quantity\":0"), null),
          400,
          "items[0].quantity");
      assertError(
          post(service, ORDER_JSON.replace("\"quantity\":3", "\"quantity\":2.5"), null),
          400,
          "items[0].quantity");
      assertError(
          post(service, ORDER_JSON.replace("\"price\":2.50", "\"price\":\"2.50\""), null),
          400,
          "items[0].price");
      assertError(
          post(service, ORDER_JSON.replace("sku-9", "bad product"), null),
          400,
          "items[0].productId");
      assertError(
          post(
              service,
              ORDER_JSON.replace("]}", "],\"shippingAddress\":{\"country\":\"X\"}}"),
              null),
          400,
          "shippingAddress.country");
      assertError(post(service, ORDER_JSON, "x".repeat(201)), 400, "Idempotency-Key");
      assertError(get(service, "/orders?status=LOST"), 400, "status");
      assertError(get(service, "/orders?limit=-1"), 400, "limit");
      assertError(get(service, "/orders?limit=0"), 400, "limit");
      assertError(get(service, "/orders?limit=501"), 400, "limit");
      assertError(get(service, "/orders?cursor=bm9wZQ"), 400, "cursor");
      assertError(get(service, "/orders?since=yesterday"), 400, "since");
      assertError(get(service, "/orders?since=%2B1000000000-01-01T00:00:00Z"), 400, "since");
      assertRawError(raw(service, "GET", "/orders?status=%zz"), 400);
      assertRawError(raw(service, "GET", "/orders/%zz"), 400);
      assertRawError(raw(service, "GET", "/orders/%"), 400);
      assertRawError(raw(service, "GET", "/orders/a%00b"), 400);
      assertError(post(service, ORDER_JSON + "{}", null), 400, "body");
      assertError(post(service, ORDER_JSON + " trailing", null), 400, "body");
      HttpResponse<String> xml =
          http.send(
              request(service, "/orders")
                  .header("Content-Type", "text/xml")
                  .POST(HttpRequest.BodyPublishers.ofString(ORDER_JSON))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertError(recorded(xml), 415, null);
      assertError(get(service, "/orders/no-such-order"), 404, null);
      assertEquals(404, head(service, "/orders/no-such-order").statusCode());
      assertEquals(400, head(service, "/orders?limit=0").statusCode());
      HttpResponse<String> gzip =
          http.send(
              request(service, "/orders")
                  .header("Content-Type", "application/json")
                  .header("Content-Encoding", "gzip")
                  .POST(HttpRequest.BodyPublishers.ofString(ORDER_JSON))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertError(recorded(gzip), 415, null);
      byte[] large = ("{\"pad\":\"" + "x".repeat(70_000) + "\"}").getBytes();
      HttpResponse<String> chunked =
          http.send(
              request(service, "/orders")
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofInputStream(
                          () -> new java.io.ByteArrayInputStream(large)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertError(recorded(chunked), 413, null);
      assertTrue(!chunked.body().contains("Exception"), chunked.body());
      assertError(post(service, "{\"pad\":\"" + "x".repeat(70_000) + "\"}", null), 413, null);
      HttpResponse<String> put =
          http.send(
              request(service, "/orders/x").PUT(HttpRequest.BodyPublishers.noBody()).build(),
              HttpResponse.BodyHandlers.ofString());
      assertError(recorded(put), 405, null);
      assertEquals(200, get(service, "/health/live").statusCode());
    } finally {
      service.stop();
    }
  }

  private void assertError(HttpResponse<String> response, int status, String field)
      throws Exception {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(
        "application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
    JsonNode body = json(response.body());
    assertTrue(body.get("type").asText().startsWith("urn:orderflow:problem:"), response.body());
    assertEquals(status, body.get("status").asInt(), response.body());
    assertTrue(body.hasNonNull("title") && body.hasNonNull("detail"), response.body());
    if (field != null) {
      assertEquals(field, body.get("field").asText(), response.body());
    }
  }

  /** An answer to a request the JDK's client refuses to send (a malformed URI): status and body. */
  private record RawAnswer(int status, String head, String body) {}

  private static RawAnswer raw(ServiceMain.RunningService service, String method, String target)
      throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", service.httpPort())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              (method
                      + " "
                      + target
                      + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n"
                      + "Connection: close\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer =
          new String(
              socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int blank = answer.indexOf("\r\n\r\n");
      int status = Integer.parseInt(answer.substring(9, 12));
      String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
      ANSWERS.record(method, path, status);
      return new RawAnswer(status, answer.substring(0, blank), answer.substring(blank + 4));
    }
  }

  private static void assertRawError(RawAnswer answer, int status) throws Exception {
    assertEquals(status, answer.status(), answer.head() + "\n" + answer.body());
    assertTrue(
        answer
            .head()
            .toLowerCase(java.util.Locale.ROOT)
            .contains("content-type: application/problem+json"),
        answer.head());
    assertEquals(status, json(answer.body()).get("status").asInt(), answer.body());
  }

  private ServiceMain.RunningService start(TestBroker broker, String db) throws Exception {
    ConsumerSettings settings =
        TestSettings.builder()
            .prefetch(100)
            .tiers(TIERS)
            .maxRetries(3)
            .injectFailureRate(0)
            .breakerThreshold(5)
            .breakerReset(Duration.ofSeconds(1))
            .batchSize(100)
            .shutdownTimeout(Duration.ofSeconds(10))
            .httpPort(0)
            .build();
    return start(broker, settings, db, orderflow.orderservice.auth.TokenVerifier.none());
  }

  /** The order service wired as ServeCommand wires it (OrderApiAuthIT too). */
  static ServiceMain.RunningService start(
      TestBroker broker,
      ConsumerSettings settings,
      String db,
      orderflow.orderservice.auth.TokenVerifier verifier)
      throws Exception {
    Topology topology = broker.topology(settings.tiers());
    OwnEvents ownEvents = new OwnEvents();
    return ServiceMain.start(
        broker.settings(),
        settings,
        db,
        OrderService.definition(Dialect.of(db), Clock.systemUTC(), ownEvents),
        (database, publisher) ->
            OrderService.api(
                database,
                topology.ordersExchange(),
                Clock.systemUTC(),
                ownEvents,
                publisher::submit,
                verifier));
  }

  private static Channel confirmingChannel(TestBroker broker, Topology topology) throws Exception {
    Channel channel = broker.connection().createChannel();
    topology.declare(channel);
    channel.confirmSelect();
    return channel;
  }

  private static void publish(Channel channel, Topology topology, EventEnvelope... events)
      throws Exception {
    EventMessages messages = new EventMessages(new EventCodec());
    for (EventEnvelope event : events) {
      OutgoingMessage message = messages.toMessage(event, topology.ordersExchange());
      channel.basicPublish(
          message.exchange(), message.routingKey(), true, message.properties(), message.body());
    }
    channel.waitForConfirmsOrDie(10_000);
  }

  private static void awaitStatus(String db, String orderId, String status, int events) {
    TestBroker.await(
        orderId + " " + status + " with " + events + " events",
        WAIT,
        () -> {
          try (Database database = Database.open(db);
              Connection connection = database.openReadOnly();
              PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT status, event_count FROM orders WHERE order_id = ?")) {
            select.setString(1, orderId);
            try (ResultSet row = select.executeQuery()) {
              return row.next() && row.getString(1).equals(status) && row.getInt(2) == events;
            }
          } catch (SQLException e) {
            return false;
          }
        });
  }

  private static void assertPlacedRowIsTheFoldOfItsHistory(String db, String orderId)
      throws SQLException {
    try (Database database = Database.open(db);
        Connection connection = database.openReadOnly()) {
      List<StoredEvent> history = new OrderEventStore().history(connection, orderId);
      assertEquals(1, history.size());
      assertEquals(
          OrderFold.fold(orderId, List.of(history.get(0).event())),
          new OrderReadModel().find(connection, orderId).orElseThrow());
    }
  }

  private static long countWith(String db, String sql, String parameter) throws SQLException {
    return Long.parseLong(text(db, sql, parameter));
  }

  /** The first column of the first row, as text. */
  private static String text(String db, String sql, String parameter) throws SQLException {
    try (Database database = Database.open(db);
        Connection connection = database.openReadOnly();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, parameter);
      try (ResultSet row = select.executeQuery()) {
        assertTrue(row.next(), sql);
        return row.getString(1);
      }
    }
  }

  private static long count(String db, String sql, SagaEvents order) throws SQLException {
    try (Database database = Database.open(db);
        Connection connection = database.openReadOnly();
        PreparedStatement select = connection.prepareStatement(sql)) {
      if (order != null) {
        select.setString(1, order.orderId());
      }
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  private static void execute(String db, String sql, SagaEvents order) throws SQLException {
    execute(db, sql, order.orderId());
  }

  private static void execute(String db, String sql, String orderId) throws SQLException {
    try (Database database = Database.open(db);
        Connection connection = database.open();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, orderId);
      statement.executeUpdate();
      connection.commit();
    }
  }

  private HttpResponse<String> post(ServiceMain.RunningService service, String body, String key)
      throws Exception {
    HttpRequest.Builder request =
        request(service, "/orders")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return recorded(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
  }

  private HttpResponse<String> head(ServiceMain.RunningService service, String path)
      throws Exception {
    return recorded(
        http.send(
            request(service, path).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString()));
  }

  private HttpResponse<String> get(ServiceMain.RunningService service, String path)
      throws Exception {
    return recorded(
        http.send(request(service, path).GET().build(), HttpResponse.BodyHandlers.ofString()));
  }

  /** Notes what the API answered, for the check against docs/openapi.yaml after all tests. */
  private static HttpResponse<String> recorded(HttpResponse<String> response) {
    ANSWERS.record(response.request().method(), response.uri().getRawPath(), response.statusCode());
    return response;
  }

  @AfterAll
  static void everyAnswerIsInTheOpenApiDocumentAndEveryDocumentedOneWasSeen() throws Exception {
    ANSWERS.assertMatchesDocument();
  }

  private static HttpRequest.Builder request(ServiceMain.RunningService service, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
        .timeout(Duration.ofSeconds(10));
  }

  private static JsonNode json(CommandRun.Result result) throws Exception {
    assertEquals(0, result.exitCode(), result.toString());
    return EventCodec.mapper().readTree(result.out());
  }

  private static JsonNode json(String text) throws Exception {
    return EventCodec.mapper().readTree(text);
  }

  private static long messageCount(TestBroker broker, String queue) {
    try {
      return broker.messageCount(queue);
    } catch (Exception e) {
      return -1;
    }
  }
}
