package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.orderservice.SagaEvents;
import orderflow.publish.EventMessages;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RabbitMqExtension.class)
class EventsCommandIT {
  private static final EventCodec CODEC = new EventCodec();

  @Test
  void printsTheHistoryWithOffsetsFromAnyPointAndFilters(TestBroker broker) throws Exception {
    Topology topology = declared(broker);
    SagaEvents first = new SagaEvents("c1");
    SagaEvents second = new SagaEvents("c2");
    publish(broker, topology, first.created, first.reserved, second.created, first.shipped);

    List<JsonNode> all = jsonLines(run(broker, "--json"));
    assertEquals(List.of(0L, 1L, 2L, 3L), all.stream().map(l -> l.get("offset").asLong()).toList());
    assertEquals(first.created.eventId().toString(), all.get(0).get("eventId").asText());
    assertEquals("OrderShipped", all.get(3).get("eventType").asText());

    List<JsonNode> fromTwo = jsonLines(run(broker, "--json", "--from", "2"));
    assertEquals(List.of(2L, 3L), fromTwo.stream().map(l -> l.get("offset").asLong()).toList());

    List<JsonNode> oneOrder =
        jsonLines(run(broker, "--json", "--order", first.created.payload().orderId()));
    assertEquals(3, oneOrder.size());
    List<JsonNode> created = jsonLines(run(broker, "--json", "--type", "OrderCreated"));
    assertEquals(List.of(0L, 2L), created.stream().map(l -> l.get("offset").asLong()).toList());

    String fromTime = Instant.now().plusSeconds(3600).toString();
    assertEquals("", run(broker, "--from", fromTime).out(), "nothing written after that time");
    assertEquals("", run(broker, "--from", "next").out(), "nothing appended since the start");
  }

  @Test
  void escapesHostileContentInTextAndJson(TestBroker broker) throws Exception {
    Topology topology = declared(broker);
    try (Channel channel = broker.connection().createChannel()) {
      channel.confirmSelect();
      AMQP.BasicProperties hostile =
          new AMQP.BasicProperties.Builder().messageId("id\u001b[31m\r\nforged line").build();
      channel.basicPublish(
          topology.ordersExchange(),
          "order.created",
          hostile,
          "{\"eventId\":\"\u001b]0;pwned\u0007\"}".getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(5_000);
    }

    CommandRun.Result text = run(broker);
    CommandRun.Result json = run(broker, "--json");

    for (CommandRun.Result result : List.of(text, json)) {
      assertEquals(1, result.out().lines().count(), result.toString());
      assertFalse(result.out().chars().anyMatch(c -> c < 0x20 && c != '\n'), result.toString());
    }
    assertTrue(text.out().startsWith("offset=0 INVALID message_id="), text.toString());
    assertTrue(jsonLines(json).get(0).get("invalid").asBoolean(), json.toString());
  }

  @Test
  void stopsAtTheEndTheStreamHadAtTheStartWhileEventsKeepComing(TestBroker broker)
      throws Exception {
    Topology topology = declared(broker);
    for (int i = 0; i < 50; i++) {
      publish(broker, topology, new SagaEvents("before").created);
    }
    AtomicBoolean publishing = new AtomicBoolean(true);
    AtomicInteger appended = new AtomicInteger();
    Thread publisher =
        new Thread(
            () -> {
              try {
                while (publishing.get()) {
                  publish(broker, topology, new SagaEvents("during").created);
                  appended.incrementAndGet();
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "it-events-publisher");
    publisher.start();
    TestBroker.await("events appended meanwhile", Duration.ofSeconds(10), () -> appended.get() > 5);
    CommandRun.Result result;
    try {
      result = run(broker, "--json");
    } finally {
      publishing.set(false);
      publisher.join();
    }

    List<JsonNode> lines = jsonLines(result);
    assertTrue(lines.size() >= 56, "at least what was there at the start: " + lines.size());
    assertTrue(lines.size() < 50 + appended.get(), "not what was appended after: " + lines.size());
    for (int i = 0; i < lines.size(); i++) {
      assertEquals(i, lines.get(i).get("offset").asLong(), "contiguous from 0");
    }
  }

  @Test
  void followPrintsEventsAppendedAfterTheStart(TestBroker broker) throws Exception {
    Topology topology = declared(broker);
    SagaEvents old = new SagaEvents("old");
    publish(broker, topology, old.created);
    CommandRun follow = new CommandRun();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread follower =
        new Thread(
            () ->
                exit.set(
                    follow.execute(
                        withBroker(broker, "--follow", "--json", "--limit", "2")
                            .toArray(String[]::new))),
            "it-events-follow");
    follower.start();
    TestBroker.await(
        "the old event printed", Duration.ofSeconds(10), () -> !follow.out.toString().isEmpty());

    SagaEvents fresh = new SagaEvents("new");
    publish(broker, topology, fresh.created);
    follower.join(Duration.ofSeconds(15).toMillis());

    assertEquals(0, exit.get(), follow.err.toString());
    List<JsonNode> lines = jsonLines(new CommandRun.Result(0, follow.out.toString(), ""));
    assertEquals(fresh.created.eventId().toString(), lines.get(1).get("eventId").asText());
    assertEquals(1L, lines.get(1).get("offset").asLong());
  }

  private static Topology declared(TestBroker broker) {
    Topology topology = broker.topology();
    CommandRun.Result declared =
        CommandRun.run(
            "topology", "declare", "--uri", broker.uriString(), "--namespace", broker.namespace());
    assertEquals(0, declared.exitCode(), declared.toString());
    return topology;
  }

  static void publish(TestBroker broker, Topology topology, EventEnvelope... events)
      throws Exception {
    try (Channel channel = broker.connection().createChannel()) {
      channel.confirmSelect();
      for (EventEnvelope event : events) {
        channel.basicPublish(
            topology.ordersExchange(),
            event.eventType().routingKey(),
            EventMessages.properties(event),
            CODEC.encode(event));
      }
      channel.waitForConfirmsOrDie(10_000);
    }
  }

  private static CommandRun.Result run(TestBroker broker, String... args) {
    CommandRun.Result result = CommandRun.run(withBroker(broker, args).toArray(String[]::new));
    assertEquals(0, result.exitCode(), result.toString());
    return result;
  }

  private static List<String> withBroker(TestBroker broker, String... args) {
    List<String> all = new ArrayList<>(List.of("events", "--no-declare"));
    all.addAll(List.of(args));
    all.addAll(List.of("--uri", broker.uriString(), "--namespace", broker.namespace()));
    return all;
  }

  private static List<JsonNode> jsonLines(CommandRun.Result result) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : result.out().lines().toList()) {
      lines.add(EventCodec.mapper().readTree(line));
    }
    return lines;
  }
}
