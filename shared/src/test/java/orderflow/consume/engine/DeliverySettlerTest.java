package orderflow.consume.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmCallback;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import orderflow.consume.PermanentFailureException;
import orderflow.consume.ServiceDefinition;
import orderflow.consume.TransientFailureException;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.envelope.EventType;
import orderflow.observe.ConsumerMetrics;
import orderflow.publish.ConfirmingPublisher;
import orderflow.testing.TestSettings;
import orderflow.topology.Topology;
import org.junit.jupiter.api.Test;

/**
 * Each delivery's settlement against a recording channel, no broker: acks only after the retry or
 * dead-letter publish is confirmed, one multiple ack when everything was, and a nack with requeue
 * for a delivery whose publish was refused.
 */
class DeliverySettlerTest {
  private final ConsumerSettings settings = TestSettings.defaults();
  private final ServiceDefinition service =
      new ServiceDefinition(
          "settler",
          Topology.INVENTORY_QUEUE,
          Map.of(EventType.ORDER_CREATED, (event, context) -> {}),
          List.of());
  private final Topology topology = new Topology("settler-test", settings.tiers());

  @Test
  void appliedAndDuplicateDeliveriesAreAckedWithOneMultipleAck() throws Exception {
    RecordingChannel channel = new RecordingChannel(Set.of());
    List<ReceivedDelivery> batch = deliveries(1, 2, 3);

    settle(
        channel,
        batch,
        List.of(new Outcome.Applied(null), new Outcome.Duplicate(null), new Outcome.Applied(null)));

    assertEquals(List.of("ack 3 multiple"), channel.acks);
    assertEquals(List.of(), channel.published);
  }

  @Test
  void aRetryAndADeadLetterArePublishedThenEverythingIsAcked() throws Exception {
    RecordingChannel channel = new RecordingChannel(Set.of());
    List<ReceivedDelivery> batch = deliveries(1, 2, 3);

    List<DeliverySettler.Settlement> settled =
        settle(
            channel,
            batch,
            List.of(
                new Outcome.Retry(new TransientFailureException("down")),
                new Outcome.Applied(null),
                new Outcome.DeadLetter(
                    DeadLetterHeaders.REASON_PERMANENT_FAILURE,
                    new PermanentFailureException("never"))));

    String failures = topology.failureExchange(Topology.INVENTORY_QUEUE);
    assertEquals(
        List.of(
            failures
                + " "
                + topology.retryQueue(Topology.INVENTORY_QUEUE, settings.tiers().delayFor(1)),
            failures + " " + topology.deadLetterQueue(Topology.INVENTORY_QUEUE)),
        channel.published);
    assertEquals(List.of("ack 3 multiple"), channel.acks);
    assertTrue(settled.stream().allMatch(DeliverySettler.Settlement::acked));
    assertEquals("1s", settled.get(0).tier());
    assertEquals(DeadLetterHeaders.REASON_PERMANENT_FAILURE, settled.get(2).reason());
  }

  @Test
  void aDeliveryWhoseRetryIsNackedGoesBackToItsQueueAndTheRestAreAckedOneByOne() throws Exception {
    // The first publish (sequence number 1) is refused by the broker.
    RecordingChannel channel = new RecordingChannel(Set.of(1L));
    List<ReceivedDelivery> batch = deliveries(1, 2, 3);

    List<DeliverySettler.Settlement> settled =
        settle(
            channel,
            batch,
            List.of(
                new Outcome.Applied(null),
                new Outcome.Retry(new TransientFailureException("down")),
                new Outcome.Applied(null)));

    assertEquals(List.of("ack 1", "nack 2 requeue", "ack 3"), channel.acks);
    assertFalse(settled.get(1).acked());
  }

  @Test
  void aDeliveryPastItsRetriesIsDeadLetteredAsExhausted() throws Exception {
    RecordingChannel channel = new RecordingChannel(Set.of());
    ReceivedDelivery tired = delivery(7, Map.of(DeadLetterHeaders.ATTEMPTS, settings.maxRetries()));

    List<DeliverySettler.Settlement> settled =
        settle(
            channel,
            List.of(tired),
            List.of(new Outcome.Retry(new TransientFailureException("still down"))));

    assertEquals(DeadLetterHeaders.REASON_RETRIES_EXHAUSTED, settled.get(0).reason());
    assertEquals(
        List.of(
            topology.failureExchange(Topology.INVENTORY_QUEUE)
                + " "
                + topology.deadLetterQueue(Topology.INVENTORY_QUEUE)),
        channel.published);
    assertEquals(List.of("ack 7 multiple"), channel.acks);
  }

  private List<DeliverySettler.Settlement> settle(
      RecordingChannel channel, List<ReceivedDelivery> batch, List<Outcome> outcomes)
      throws Exception {
    return settler(channel).settle(channel.proxy(), batch, outcomes, DeliverySpans.OFF);
  }

  private DeliverySettler settler(RecordingChannel channel) throws IOException {
    Clock clock = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);
    return new DeliverySettler(
        new ConfirmingPublisher(channel.proxy(), 10),
        topology,
        service,
        settings,
        clock,
        ConsumerMetrics.create("settler"));
  }

  private static List<ReceivedDelivery> deliveries(long... tags) {
    List<ReceivedDelivery> deliveries = new ArrayList<>();
    for (long tag : tags) {
      deliveries.add(delivery(tag, Map.of()));
    }
    return deliveries;
  }

  private static ReceivedDelivery delivery(long tag, Map<String, Object> headers) {
    return new ReceivedDelivery(
        new Envelope(tag, false, "orders", "order.created"),
        new AMQP.BasicProperties.Builder()
            .type("OrderCreated")
            .messageId("event-" + tag)
            .headers(headers)
            .build(),
        new byte[] {'{', '}'});
  }

  /**
   * A channel that records publishes and acks and answers every publish at once: a nack for the
   * sequence numbers given, an ack for the rest.
   */
  private static final class RecordingChannel {
    final List<String> published = new ArrayList<>();
    final List<String> acks = new ArrayList<>();
    private final Set<Long> refused;
    private final List<ConfirmCallback> onAck = new ArrayList<>();
    private final List<ConfirmCallback> onNack = new ArrayList<>();
    private long nextSequence = 1;
    private Channel proxy;

    RecordingChannel(Set<Long> refused) {
      this.refused = refused;
    }

    Channel proxy() {
      if (proxy == null) {
        proxy =
            (Channel)
                Proxy.newProxyInstance(
                    Channel.class.getClassLoader(),
                    new Class<?>[] {Channel.class},
                    (self, method, args) -> answer(method.getName(), args));
      }
      return proxy;
    }

    private Object answer(String method, Object[] args) throws IOException {
      switch (method) {
        case "getNextPublishSeqNo":
          return nextSequence;
        case "addConfirmListener":
          onAck.add((ConfirmCallback) args[0]);
          onNack.add((ConfirmCallback) args[1]);
          return null;
        case "basicPublish":
          published.add(args[0] + " " + args[1]);
          long sequence = nextSequence++;
          for (ConfirmCallback answer : refused.contains(sequence) ? onNack : onAck) {
            answer.handle(sequence, false);
          }
          return null;
        case "basicAck":
          acks.add("ack " + args[0] + ((Boolean) args[1] ? " multiple" : ""));
          return null;
        case "basicNack":
          acks.add("nack " + args[0] + ((Boolean) args[2] ? " requeue" : ""));
          return null;
        case "isOpen":
          return true;
        case "hashCode":
          return System.identityHashCode(this);
        case "equals":
          return args[0] == proxy;
        case "toString":
          return "RecordingChannel";
        default:
          return null;
      }
    }
  }
}
