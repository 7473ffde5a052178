package orderflow.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import orderflow.broker.BrokerConnector;
import orderflow.cli.OneLineErrors;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.topology.Topology;
import orderflow.trace.Tracing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

@ExtendWith(RabbitMqExtension.class)
class DeadLetterQueueIT {
  private static final Duration DEADLINE = Duration.ofSeconds(15);
  private static final Instant FAILED_AT = Instant.parse("2026-11-22T10:00:30Z");

  private TestBroker broker;
  private Topology topology;
  private String dlq;
  private String work;

  private DeadLetterQueue setUp(TestBroker broker) throws Exception {
    this.broker = broker;
    topology = broker.topology();
    try (Channel channel = broker.connection().createChannel()) {
      topology.declare(channel);
    }
    dlq = topology.deadLetterQueue(Topology.INVENTORY_QUEUE);
    work = topology.queue(Topology.INVENTORY_QUEUE);
    return new DeadLetterQueue(
        broker.connection(), topology, Topology.INVENTORY_QUEUE, Tracing.OFF);
  }

  @Test
  void listShowsEveryDeadLetterWithItsFailureAndLeavesThemInTheQueue(TestBroker broker)
      throws Exception {
    DeadLetterQueue queue = setUp(broker);
    deadLetter("e-1", "OrderCreated", "retries-exhausted");
    deadLetter("e-2", "OrderCreated", "invalid-event");
    deadLetter("e-3", "OrderCreated", "permanent-failure");

    List<DeadLetter> letters = listed(queue, FilterOptions.all());

    assertEquals(List.of("e-1", "e-2", "e-3"), ids(letters));
    DeadLetter first = letters.get(0);
    assertEquals("OrderCreated", first.eventType());
    assertEquals("retries-exhausted", first.reason());
    assertEquals("java.sql.SQLTransientException", first.exceptionClass());
    assertEquals("database is locked", first.exceptionMessage());
    assertEquals(4, first.attempts());
    assertEquals(FAILED_AT.minusSeconds(30), first.firstFailureAt());
    assertEquals(FAILED_AT, first.lastFailureAt());
    assertEquals(topology.ordersExchange(), first.originalExchange());
    assertEquals("order.created", first.originalRoutingKey());
    assertEquals("consumer-inventory", first.consumer());
    awaitDepth(dlq, 3);
    assertEquals(
        List.of("e-2"),
        ids(listed(queue, DeadLetterReaderTest.filter(null, "invalid", null, null))),
        "a second browse sees the letters again");
    assertEquals(List.of("e-1", "e-2"), ids(listed(queue, limit(2))));
    awaitDepth(dlq, 3);
  }

  @Test
  void showReturnsOneDeadLetterWithHeadersAndBody(TestBroker broker) throws Exception {
    DeadLetterQueue queue = setUp(broker);
    deadLetter("e-1", "OrderCreated", "retries-exhausted");
    deadLetter("e-2", "OrderCreated", "invalid-event");

    DeadLetter letter = queue.show("e-2").orElseThrow();

    assertEquals("invalid-event", letter.reason());
    assertEquals("invalid-event", letter.headers().get(DeadLetterHeaders.REASON));
    assertEquals("2026-11-22T10:00:30Z", letter.headers().get(DeadLetterHeaders.LAST_FAILURE_AT));
    assertEquals(body("e-2"), letter.body());
    assertTrue(queue.show("e-9").isEmpty());
    awaitDepth(dlq, 2);
  }

  @Test
  void replayDryRunChangesNothing(TestBroker broker) throws Exception {
    DeadLetterQueue queue = setUp(broker);
    deadLetter("e-1", "OrderCreated", "retries-exhausted");
    deadLetter("e-2", "OrderCreated", "invalid-event");

    DlqCommand.Replay result = queue.replay(FilterOptions.all(), true);

    assertTrue(result.dryRun());
    assertEquals(List.of("e-1", "e-2"), ids(result.replayed()));
    awaitDepth(dlq, 2);
    assertEquals(0, broker.messageCount(work), "a dry run publishes nothing");
  }

  @Test
  void replayMovesOnlyMatchingLettersBackWithTheSameIdAndAReplayCount(TestBroker broker)
      throws Exception {
    DeadLetterQueue queue = setUp(broker);
    deadLetter("e-1", "OrderCreated", "retries-exhausted");
    deadLetter("e-2", "OrderCreated", "invalid-event");
    deadLetter("e-3", "OrderCreated", "retries-exhausted");

    DlqCommand.Replay result =
        queue.replay(DeadLetterReaderTest.filter(null, "^retries", null, null), false);

    assertEquals(List.of("e-1", "e-3"), ids(result.replayed()));
    assertTrue(result.failed().isEmpty());
    awaitDepth(work, 2);
    awaitDepth(dlq, 1);
    List<GetResponse> replayed = List.of(broker.get(work), broker.get(work));
    assertEquals(
        Set.of("e-1", "e-3"),
        replayed.stream().map(r -> r.getProps().getMessageId()).collect(Collectors.toSet()));
    for (GetResponse response : replayed) {
      Map<String, Object> headers = response.getProps().getHeaders();
      assertEquals(1, ((Number) headers.get(DeadLetterHeaders.REPLAY_COUNT)).intValue());
      assertNotNull(headers.get(DeadLetterHeaders.REPLAYED_AT));
      assertFalse(headers.containsKey(DeadLetterHeaders.REASON));
      assertFalse(headers.containsKey(DeadLetterHeaders.ATTEMPTS));
      assertEquals("OrderCreated", response.getProps().getType());
      assertEquals(2, response.getProps().getDeliveryMode());
      assertEquals(
          body(response.getProps().getMessageId()),
          new String(response.getBody(), StandardCharsets.UTF_8));
    }
    assertEquals(List.of("e-2"), ids(listed(queue, FilterOptions.all())));
  }

  @Test
  void replayByTypeLeavesOtherTypesInTheQueue(TestBroker broker) throws Exception {
    DeadLetterQueue queue = setUp(broker);
    deadLetter("e-1", "OrderCreated", "permanent-failure");
    deadLetter("e-2", "LegacyThing", "invalid-event");

    DlqCommand.Replay result =
        queue.replay(DeadLetterReaderTest.filter("OrderCreated", null, null, null), false);

    assertEquals(List.of("e-1"), ids(result.replayed()));
    awaitDepth(work, 1);
    assertEquals("e-1", broker.get(work).getProps().getMessageId());
    assertEquals(List.of("e-2"), ids(listed(queue, FilterOptions.all())));
  }

  @Test
  void replayThatIsNotRoutedLeavesTheDeadLetterAndReportsIt(TestBroker broker) throws Exception {
    DeadLetterQueue queue = setUp(broker);
    deadLetter("e-1", "OrderCreated", "permanent-failure", "no.queue.bound");

    DlqCommand.Replay result = queue.replay(FilterOptions.all(), false);

    assertTrue(result.replayed().isEmpty());
    assertEquals(1, result.failed().size());
    assertEquals("RETURNED", result.failed().get(0).outcome());
    awaitDepth(dlq, 1);
  }

  @Test
  void purgeRemovesOnlyMatchingLetters(TestBroker broker) throws Exception {
    DeadLetterQueue queue = setUp(broker);
    deadLetter("e-1", "OrderCreated", "invalid-event");
    deadLetter("e-2", "OrderCreated", "retries-exhausted");
    deadLetter("e-3", "OrderCreated", "invalid-event");

    DlqCommand.Purge dryRun =
        queue.purge(DeadLetterReaderTest.filter(null, "invalid", null, null), true);
    assertEquals(List.of("e-1", "e-3"), ids(dryRun.purged()));
    awaitDepth(dlq, 3);

    DlqCommand.Purge result =
        queue.purge(DeadLetterReaderTest.filter(null, "invalid", null, null), false);

    assertEquals(List.of("e-1", "e-3"), ids(result.purged()));
    awaitDepth(dlq, 1);
    assertEquals(List.of("e-2"), ids(listed(queue, FilterOptions.all())));
    assertEquals(0, broker.messageCount(work));
  }

  @Test
  void replayInterruptedAfterTheConfirmLosesNothing(TestBroker broker) throws Exception {
    setUp(broker);
    deadLetter("e-1", "OrderCreated", "retries-exhausted");
    Connection doomed = new BrokerConnector(broker.settings(), "dlq-it").connect("replay");
    DeadLetterQueue queue =
        new DeadLetterQueue(doomed, topology, Topology.INVENTORY_QUEUE, Tracing.OFF);
    queue.afterConfirmHook(
        letter -> {
          try {
            doomed.close();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });

    assertThrows(Exception.class, () -> queue.replay(FilterOptions.all(), false));

    awaitDepth(work, 1);
    awaitDepth(dlq, 1);
    assertEquals("e-1", broker.get(work).getProps().getMessageId());
    assertEquals("e-1", broker.get(dlq).getProps().getMessageId());
  }

  @Test
  void brokerDeadLettersAreListedWithTheirReasonAndOrigin(TestBroker broker) throws Exception {
    DeadLetterQueue queue = setUp(broker);
    try (Channel channel = broker.connection().createChannel()) {
      channel.confirmSelect();
      channel.basicPublish(
          topology.ordersExchange(),
          "order.created",
          new AMQP.BasicProperties.Builder().messageId("e-9").type("OrderCreated").build(),
          body("e-9").getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(5_000);
      // A consumer that keeps crashing: return the message until the delivery limit drops it.
      TestBroker.await(
          "the broker dead-letters the message after its delivery limit",
          DEADLINE,
          () -> {
            try {
              GetResponse response = channel.basicGet(work, false);
              if (response != null) {
                channel.basicNack(response.getEnvelope().getDeliveryTag(), false, true);
              }
              return broker.messageCount(dlq) == 1;
            } catch (IOException | TimeoutException e) {
              throw new IllegalStateException(e);
            }
          });
    }

    DeadLetter letter = listed(queue, FilterOptions.all()).get(0);

    assertEquals("e-9", letter.eventId());
    assertEquals("delivery_limit", letter.reason());
    assertEquals(topology.ordersExchange(), letter.originalExchange());
    assertEquals("order.created", letter.originalRoutingKey());
    assertNotNull(letter.lastFailureAt());

    DlqCommand.Replay result = queue.replay(FilterOptions.all(), false);
    assertEquals(List.of("e-9"), ids(result.replayed()));
    awaitDepth(work, 1);
    GetResponse replayed = broker.get(work);
    assertNull(replayed.getProps().getHeaders().get("x-death"));
    awaitDepth(dlq, 0);
  }

  @Test
  void theCommandListsAsJsonAndReplaysByReason(TestBroker broker) throws Exception {
    setUp(broker);
    deadLetter("e-1", "OrderCreated", "retries-exhausted");
    deadLetter("e-2", "OrderCreated", "invalid-event");

    StringWriter listed = new StringWriter();
    assertEquals(0, command(listed, "list", "--json"));
    JsonNode array = new ObjectMapper().readTree(listed.toString());
    assertEquals(2, array.size());
    assertEquals("e-1", array.get(0).get("eventId").asText());
    assertEquals("retries-exhausted", array.get(0).get("reason").asText());

    StringWriter replayed = new StringWriter();
    assertEquals(0, command(replayed, "replay", "--reason", "retries", "--json"));
    JsonNode result = new ObjectMapper().readTree(replayed.toString());
    assertEquals("e-1", result.get("replayed").get(0).get("eventId").asText());
    awaitDepth(work, 1);
    awaitDepth(dlq, 1);

    StringWriter human = new StringWriter();
    assertEquals(0, command(human, "list"));
    assertTrue(human.toString().startsWith("e-2"), human.toString());
    assertEquals(1, human.toString().lines().count(), human.toString());
  }

  @Test
  void lettersAreKnownByTheirBodyWithoutPropertiesOrWithAForgedMessageId(TestBroker broker)
      throws Exception {
    DeadLetterQueue queue = setUp(broker);
    publishToDlq(reasonOnly(), body("e-5").getBytes(StandardCharsets.UTF_8));
    byte[] binary = {(byte) 0xff, 0x00, 0x1b, '[', '2', 'J', '\n', (byte) 0xc3};
    publishToDlq(reasonOnly(), binary);
    deadLetter("e-1", "OrderCreated", "invalid-event");
    AMQP.BasicProperties forged = reasonOnly().builder().messageId("e-1").build();
    publishToDlq(forged, body("e-2").getBytes(StandardCharsets.UTF_8));

    List<DeadLetter> letters = listed(queue, FilterOptions.all());

    List<String> ids = ids(letters);
    assertEquals("e-5", ids.get(0));
    assertTrue(ids.get(1).startsWith("sha256-"), ids.toString());
    assertEquals(List.of("e-1", "e-2"), ids.subList(2, 4), "the forged id hides no letter");
    assertEquals("e-1", letters.get(3).messageId());
    assertEquals("e-1", queue.show("e-2").orElseThrow().messageId());
    DeadLetter undecodable = queue.show(ids.get(1)).orElseThrow();
    assertEquals("base64", undecodable.bodyEncoding());

    StringWriter shown = new StringWriter();
    assertEquals(0, command(shown, "show", ids.get(1)));
    assertTrue(shown.toString().contains("bodyEncoding: base64"), shown.toString());
    assertTrue(
        shown.toString().chars().noneMatch(c -> c < 0x20 && c != '\n'),
        "no raw control character reaches the terminal: " + shown);
    awaitDepth(dlq, 4);
  }

  @Test
  void anOperationWhileAnotherHoldsTheQueueSaysBusyInsteadOfNoDeadLetters(TestBroker broker)
      throws Exception {
    DeadLetterQueue first = setUp(broker);
    for (int i = 1; i <= 5; i++) {
      deadLetter("e-" + i, "OrderCreated", "invalid-event");
    }
    try (Connection other = new BrokerConnector(broker.settings(), "dlq-it").connect("second")) {
      DeadLetterQueue second =
          new DeadLetterQueue(
              other, topology, Topology.INVENTORY_QUEUE, Tracing.OFF, Duration.ZERO);
      List<Exception> whileFirstRuns = new ArrayList<>();

      first.list(
          FilterOptions.all(),
          letter -> {
            if (whileFirstRuns.isEmpty()) {
              whileFirstRuns.add(
                  assertThrows(
                      DeadLetterQueue.Busy.class, () -> listed(second, FilterOptions.all())));
            }
          });

      assertEquals(1, whileFirstRuns.size());
      assertEquals(5, listed(second, FilterOptions.all()).size(), "once the first is done");
    }

    try (DeadLetterScan held =
        DeadLetterScan.open(
            broker.connection(), dlq, DeadLetterQueue.DEFAULT_MAX_SCAN, Duration.ZERO)) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      assertEquals(1, command(out, err, "list"));
      assertEquals("", out.toString());
      assertTrue(err.toString().contains("busy, try again"), err.toString());
      assertEquals(1, err.toString().lines().count(), err.toString());
    }
    awaitDepth(dlq, 5);
  }

  @Test
  void listingLargeLettersInASmallHeapStreamsThemAndCutsTheirBodies(TestBroker broker)
      throws Exception {
    setUp(broker);
    int letters = 3;
    String padding = "x".repeat(12 * 1024 * 1024);
    for (int i = 1; i <= letters; i++) {
      String body =
          "{\"eventId\":\"big-"
              + i
              + "\",\"eventType\":\"OrderCreated\",\"pad\":\""
              + padding
              + "\"}";
      publishToDlq(reasonOnly(), body.getBytes(StandardCharsets.UTF_8));
    }
    padding = null;
    Path dir = Files.createTempDirectory("dlq-list-heap");
    Path stdout = dir.resolve("stdout");
    Path stderr = dir.resolve("stderr");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Room for one letter at a time (the client assembles a body from its frames, so a
                // 12 MB letter briefly takes two copies), not for the three held together.
                "-Xmx80m",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                DlqMain.class.getName(),
                "list",
                "--json",
                "--uri",
                broker.uriString(),
                "--namespace",
                broker.namespace())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    try {
      assertTrue(process.waitFor(120, TimeUnit.SECONDS), "dlq list finished");
      assertEquals(0, process.exitValue(), Files.readString(stderr));
      JsonNode array = new ObjectMapper().readTree(stdout.toFile());
      assertEquals(letters, array.size());
      for (int i = 0; i < letters; i++) {
        JsonNode letter = array.get(i);
        assertEquals("big-" + (i + 1), letter.get("eventId").asText());
        assertTrue(letter.get("bodyTruncated").asBoolean());
        assertTrue(letter.get("bodyBytes").asInt() > 12 * 1024 * 1024);
        assertTrue(letter.get("body").asText().length() <= DeadLetterQueue.LISTED_BODY_CHARS);
      }
    } finally {
      process.destroyForcibly();
    }
    awaitDepth(dlq, letters);
  }

  private int command(StringWriter out, StringWriter err, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--uri", broker.uriString(), "--namespace", broker.namespace()));
    CommandLine command =
        OneLineErrors.install(
            new CommandLine(new DlqCommand("inventory", "consumer-inventory")),
            "consumer-inventory");
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return command.execute(all.toArray(String[]::new));
  }

  /** Properties with a failure reason and nothing else: no message_id, no type. */
  private static AMQP.BasicProperties reasonOnly() {
    return new AMQP.BasicProperties.Builder()
        .headers(Map.of(DeadLetterHeaders.REASON, "invalid-event"))
        .deliveryMode(2)
        .build();
  }

  private void publishToDlq(AMQP.BasicProperties properties, byte[] body) throws Exception {
    try (Channel channel = broker.connection().createChannel()) {
      channel.confirmSelect();
      channel.basicPublish("", dlq, true, properties, body);
      channel.waitForConfirmsOrDie(30_000);
    }
  }

  private int command(StringWriter out, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--uri", broker.uriString(), "--namespace", broker.namespace()));
    CommandLine command =
        OneLineErrors.install(
            new CommandLine(new DlqCommand("inventory", "consumer-inventory")),
            "consumer-inventory");
    command.setOut(new PrintWriter(out, true));
    return command.execute(all.toArray(String[]::new));
  }

  private void deadLetter(String eventId, String type, String reason) throws Exception {
    deadLetter(eventId, type, reason, "order.created");
  }

  /** What the consumer runtime puts into the DLQ, published straight to it. */
  private void deadLetter(String eventId, String type, String reason, String routingKey)
      throws Exception {
    Map<String, Object> headers = new HashMap<>();
    headers.put(DeadLetterHeaders.REASON, reason);
    headers.put(DeadLetterHeaders.EXCEPTION_CLASS, "java.sql.SQLTransientException");
    headers.put(DeadLetterHeaders.EXCEPTION_MESSAGE, "database is locked");
    headers.put(DeadLetterHeaders.ATTEMPTS, 4);
    headers.put(DeadLetterHeaders.FIRST_FAILURE_AT, FAILED_AT.minusSeconds(30).toString());
    headers.put(DeadLetterHeaders.LAST_FAILURE_AT, FAILED_AT.toString());
    headers.put(DeadLetterHeaders.ORIGINAL_EXCHANGE, topology.ordersExchange());
    headers.put(DeadLetterHeaders.ORIGINAL_ROUTING_KEY, routingKey);
    headers.put(DeadLetterHeaders.CONSUMER, "consumer-inventory");
    AMQP.BasicProperties properties =
        new AMQP.BasicProperties.Builder()
            .messageId(eventId)
            .type(type)
            .contentType("application/json")
            .deliveryMode(2)
            .headers(headers)
            .build();
    try (Channel channel = broker.connection().createChannel()) {
      channel.confirmSelect();
      // The body names the same event and type as the properties, as the runtime's letters do.
      channel.basicPublish(
          "", dlq, true, properties, body(eventId, type).getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(5_000);
    }
  }

  private static String body(String eventId) {
    return body(eventId, "OrderCreated");
  }

  private static String body(String eventId, String type) {
    return "{\"eventId\":\"" + eventId + "\",\"eventType\":\"" + type + "\"}";
  }

  private void awaitDepth(String queue, long depth) {
    TestBroker.await(
        queue + " holds " + depth + " messages",
        DEADLINE,
        () -> {
          try {
            return broker.messageCount(queue) == depth;
          } catch (IOException | TimeoutException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static FilterOptions limit(int limit) {
    FilterOptions filter = FilterOptions.all();
    filter.limit = limit;
    return filter;
  }

  private static List<String> ids(List<DeadLetter> letters) {
    return letters.stream().map(DeadLetter::eventId).toList();
  }

  private static List<DeadLetter> listed(DeadLetterQueue queue, FilterOptions filter)
      throws IOException, InterruptedException {
    List<DeadLetter> letters = new ArrayList<>();
    queue.list(filter, letters::add);
    return letters;
  }
}
