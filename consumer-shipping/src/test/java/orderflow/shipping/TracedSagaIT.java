package orderflow.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import orderflow.consume.EventHandler;
import orderflow.consume.ServiceDefinition;
import orderflow.consume.process.ServiceMain;
import orderflow.envelope.EventType;
import orderflow.envelope.OrderCreated;
import orderflow.inventory.InventoryService;
import orderflow.orderservice.OrderApi;
import orderflow.orderservice.OrderService;
import orderflow.store.Dialect;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.testing.TestSettings;
import orderflow.topology.RetryTiers;
import orderflow.topology.Topology;
import orderflow.trace.MessagingAttributes;
import orderflow.trace.Tracing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * 20 orders through the order API, inventory, shipping and the order service, every service tracing
 * into one in-memory exporter: each order is one trace, from the API's server span through every
 * publish and delivery, across each service's outbox. One order's reservation fails once (a retry
 * in its trace); another is cancelled (the cancellation continues the order's trace).
 */
@ExtendWith(RabbitMqExtension.class)
class TracedSagaIT {
  private static final int ORDERS = 20;
  private static final RetryTiers TIERS = RetryTiers.parse("100ms,300ms");
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<ServiceMain.RunningService> running = new ArrayList<>();

  @AfterEach
  void stop() {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).stop();
    }
    sdk.close();
  }

  @Test
  void everyOrderIsOneTraceThroughTheApiAndEveryServiceRetriesAndCancellationIncluded(
      TestBroker broker) throws Exception {
    Topology topology = broker.topology(TIERS);
    try (Channel channel = broker.connection().createChannel()) {
      topology.declare(channel);
    }
    Set<String> failedOnce = ConcurrentHashMap.newKeySet();
    CountDownLatch cancelAccepted = new CountDownLatch(1);
    ServiceDefinition inventory = failingOnceFor("retry-me", failedOnce, cancelAccepted);
    start(broker, inventory, null);
    start(broker, ShippingService.definition(Clock.systemUTC()), null);
    String ordersDb = TestDatabases.sqlite(dir);
    Clock clock = Clock.systemUTC();
    ServiceMain.RunningService orders =
        ServiceMain.start(
            broker.settings(),
            settings().httpPort(0).build(),
            ordersDb,
            OrderService.definition(Dialect.of(ordersDb), clock),
            (db, publisher) ->
                new OrderApi(
                    db,
                    topology.ordersExchange(),
                    clock,
                    publisher::submit,
                    orderflow.orderservice.auth.TokenVerifier.none()));
    running.add(orders);
    String base = "http://127.0.0.1:" + orders.httpPort();

    Map<String, String> customers = new HashMap<>();
    for (int i = 0; i < ORDERS - 2; i++) {
      customers.put(place(base, "customer-" + i), "customer-" + i);
    }
    String retried = place(base, "retry-me");
    customers.put(retried, "retry-me");
    String cancelled = place(base, "cancel-me");
    customers.put(cancelled, "cancel-me");
    HttpResponse<String> cancel =
        post(base + "/orders/" + cancelled + "/cancel", "{\"reason\":\"changed my mind\"}");
    assertEquals(202, cancel.statusCode(), cancel.body());
    cancelAccepted.countDown();

    String exchange = topology.ordersExchange();
    String inventoryQueue = topology.queue(inventory.workQueue());
    String shippingQueue = topology.queue(Topology.SHIPPING_QUEUE);
    Map<String, String> traceOf = new HashMap<>();
    TestBroker.await(
        "every order ended, with its trace id in GET /orders/{id}",
        DEADLINE,
        () -> {
          for (String orderId : customers.keySet()) {
            JsonNode order = show(base, orderId);
            if (!Set.of("SHIPPED", "REJECTED", "CANCELLED").contains(order.path("status").asText())
                || order.path("traceId").isNull()) {
              return false;
            }
            traceOf.put(orderId, order.path("traceId").asText());
          }
          return true;
        });
    TestBroker.await(
        "the cancellation delivered to the order service",
        DEADLINE,
        () ->
            spans().stream()
                .anyMatch(
                    s ->
                        s.getKind() == SpanKind.CONSUMER
                            && "OrderCancelled"
                                .equals(s.getAttributes().get(MessagingAttributes.EVENT_TYPE))));

    assertEquals(ORDERS, Set.copyOf(traceOf.values()).size(), "one trace per order: " + traceOf);
    List<SpanData> spans = spans();
    Map<String, SpanData> byId =
        spans.stream().collect(Collectors.toMap(SpanData::getSpanId, s -> s, (a, b) -> a));
    for (Map.Entry<String, String> order : traceOf.entrySet()) {
      String orderId = order.getKey();
      String traceId = order.getValue();
      for (SpanData span : spans) {
        if (orderId.equals(span.getAttributes().get(MessagingAttributes.CONVERSATION_ID))
            && !"OrderCancelled".equals(span.getAttributes().get(MessagingAttributes.EVENT_TYPE))) {
          assertEquals(traceId, span.getTraceId(), "every span of order " + orderId);
        }
      }
      List<SpanData> trace = spans.stream().filter(s -> s.getTraceId().equals(traceId)).toList();
      SpanData server = only(trace, s -> s.getKind() == SpanKind.SERVER, "server span");
      assertEquals("POST /orders", server.getName());
      assertFalse(server.getParentSpanContext().isValid(), "the request starts the trace");
      SpanData created =
          only(trace, s -> isPublish(s, exchange, "OrderCreated"), "OrderCreated publish");
      assertEquals(server.getSpanId(), created.getParentSpanId());
      assertEquals(orderId, created.getAttributes().get(MessagingAttributes.CONVERSATION_ID));
      assertEquals("rabbitmq", created.getAttributes().get(MessagingAttributes.SYSTEM));
      SpanData reserving =
          last(
              trace,
              s -> s.getName().equals(inventoryQueue + " process") && isChildOf(s, created),
              "inventory's delivery");
      assertEquals(SpanKind.CONSUMER, reserving.getKind());
      // A batch in which another delivery failed is applied again without it (BatchApplier), so
      // a delivery of that batch has a handler span per attempt; the last one committed.
      SpanData handler =
          last(
              trace,
              s -> s.getName().equals("handle OrderCreated") && isChildOf(s, reserving),
              "inventory's handler");
      SpanData reply =
          only(
              trace,
              s ->
                  s.getKind() == SpanKind.PRODUCER
                      && s.getName().equals(exchange + " publish")
                      && isChildOf(s, handler),
              "inventory's reply, published from its outbox");
      if (!orderId.equals(cancelled)
          && "InventoryReserved"
              .equals(reply.getAttributes().get(MessagingAttributes.EVENT_TYPE))) {
        SpanData shipping =
            only(
                trace,
                s -> s.getName().equals(shippingQueue + " process") && isChildOf(s, reply),
                "shipping's delivery");
        SpanData shipHandler =
            last(
                trace,
                s -> s.getName().startsWith("handle ") && isChildOf(s, shipping),
                "shipping's handler");
        only(trace, s -> isPublish(s, exchange, "OrderShipped") && isChildOf(s, shipHandler), "");
      }
      assertTrue(
          spans.stream()
              .anyMatch(
                  s ->
                      s.getName().equals("transaction")
                          && (isChildOf(s, reserving)
                              || s.getLinks().stream()
                                  .anyMatch(
                                      l ->
                                          l.getSpanContext()
                                              .getSpanId()
                                              .equals(reserving.getSpanId())))),
          "the transaction that applied inventory's delivery of " + orderId);
      for (SpanData span : trace) {
        if (span.getParentSpanContext().isValid()) {
          assertNotNull(byId.get(span.getParentSpanId()), "the parent of " + span.getName());
        }
      }
    }

    List<SpanData> retriedTrace =
        spans.stream().filter(s -> s.getTraceId().equals(traceOf.get(retried))).toList();
    assertTrue(failedOnce.contains(retried));
    only(
        retriedTrace,
        s ->
            s.getName().equals(inventoryQueue + " process")
                && s.getEvents().stream().anyMatch(e -> e.getName().equals("retry scheduled")),
        "the failed delivery, with its retry as an event");
    only(
        retriedTrace,
        s ->
            s.getName().equals(inventoryQueue + " process")
                && Long.valueOf(2).equals(s.getAttributes().get(MessagingAttributes.ATTEMPT))
                && s.getEvents().stream().anyMatch(e -> e.getName().equals("retried delivery")),
        "the second attempt");

    List<SpanData> cancelledTrace =
        spans.stream().filter(s -> s.getTraceId().equals(traceOf.get(cancelled))).toList();
    only(
        cancelledTrace,
        s -> isPublish(s, exchange, "OrderCancelled"),
        "the cancellation's publish, in the order's trace");
    SpanData cancelRequest =
        only(
            spans,
            s -> s.getName().equals("POST /orders/{id}/cancel"),
            "the cancel request's span");
    assertTrue(
        cancelRequest.getLinks().stream()
            .anyMatch(l -> l.getSpanContext().getTraceId().equals(traceOf.get(cancelled))),
        "the cancel request links to the order's trace");
    assertTrue(
        spans.stream()
            .noneMatch(
                s ->
                    s.getStatus().getStatusCode() == StatusCode.ERROR
                        && s.getKind() == SpanKind.PRODUCER),
        "no publish failed");
  }

  private static boolean isPublish(SpanData span, String exchange, String type) {
    return span.getKind() == SpanKind.PRODUCER
        && span.getName().equals(exchange + " publish")
        && type.equals(span.getAttributes().get(MessagingAttributes.EVENT_TYPE));
  }

  private static boolean isChildOf(SpanData span, SpanData parent) {
    return span.getParentSpanId().equals(parent.getSpanId());
  }

  private static SpanData only(
      List<SpanData> spans, java.util.function.Predicate<SpanData> which, String what) {
    List<SpanData> found = spans.stream().filter(which).toList();
    assertEquals(1, found.size(), what + ": " + names(spans));
    return found.get(0);
  }

  /**
   * The latest matching span: a retried delivery has one per attempt, and a batch applied again
   * calls its other deliveries' handlers again.
   */
  private static SpanData last(
      List<SpanData> spans, java.util.function.Predicate<SpanData> which, String what) {
    List<SpanData> found = spans.stream().filter(which).toList();
    assertFalse(found.isEmpty(), what + ": " + names(spans));
    return found.stream()
        .max((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos()))
        .get();
  }

  private static List<String> names(List<SpanData> spans) {
    return spans.stream().map(SpanData::getName).toList();
  }

  private List<SpanData> spans() {
    return exporter.getFinishedSpanItems();
  }

  private void start(TestBroker broker, ServiceDefinition service, Integer port) throws Exception {
    running.add(
        ServiceMain.start(
            broker.settings(),
            settings().httpPort(port).build(),
            TestDatabases.sqlite(dir),
            service));
  }

  private TestSettings.Builder settings() {
    return TestSettings.builder()
        .prefetch(50)
        .tiers(TIERS)
        .maxRetries(3)
        .breakerThreshold(100_000)
        .breakerReset(Duration.ofSeconds(1))
        .batchSize(10)
        .shutdownTimeout(Duration.ofSeconds(10))
        .tracer(Tracing.with(sdk));
  }

  /** Inventory, whose reservation fails once, transiently, for {@code customer}'s order. */
  /**
   * Inventory that fails once for {@code customer}'s orders, and holds back "cancel-me" until its
   * cancellation was accepted: otherwise the saga can ship it before the cancel request arrives.
   */
  private static ServiceDefinition failingOnceFor(
      String customer, Set<String> failed, CountDownLatch cancelAccepted) {
    ServiceDefinition real = InventoryService.definition(100);
    Map<EventType, EventHandler> handlers = new EnumMap<>(EventType.class);
    handlers.putAll(real.handlers());
    EventHandler reserve = real.handlers().get(EventType.ORDER_CREATED);
    handlers.put(
        EventType.ORDER_CREATED,
        new EventHandler() {
          @Override
          public void handle(
              orderflow.envelope.EventEnvelope event, orderflow.consume.HandlerContext context)
              throws Exception {
            OrderCreated order = (OrderCreated) event.payload();
            if (order.customerId().equals(customer) && failed.add(order.orderId())) {
              throw new IllegalStateException("injected: the stock database is busy");
            }
            if (order.customerId().equals("cancel-me")
                && !cancelAccepted.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
              throw new IllegalStateException("the cancellation was never accepted");
            }
            reserve.handle(event, context);
          }

          @Override
          public void prepareBatch(
              List<orderflow.envelope.EventEnvelope> events, java.sql.Connection connection)
              throws java.sql.SQLException {
            reserve.prepareBatch(events, connection);
          }
        });
    return new ServiceDefinition(real.name(), real.workQueue(), handlers, real.ingresses());
  }

  private String place(String base, String customer) throws Exception {
    HttpResponse<String> response =
        post(
            base + "/orders",
            "{\"customerId\":\""
                + customer
                + "\",\"items\":[{\"productId\":\"p1\",\"quantity\":1,\"price\":9.5}]}");
    assertEquals(201, response.statusCode(), response.body());
    return JSON.readTree(response.body()).path("orderId").asText();
  }

  private HttpResponse<String> post(String uri, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(uri))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode show(String base, String orderId) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/orders/" + orderId)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          ? JSON.readTree(response.body())
          : JSON.createObjectNode().putNull("traceId");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
