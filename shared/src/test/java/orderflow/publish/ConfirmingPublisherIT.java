package orderflow.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RabbitMqExtension.class)
class ConfirmingPublisherIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private static String queue(TestBroker broker) throws Exception {
    String queue = broker.namespace() + ".confirming-publisher";
    broker.deleteAfter(queue);
    try (Channel channel = broker.connection().createChannel()) {
      channel.queueDeclare(queue, true, false, false, null);
    }
    return queue;
  }

  private static OutgoingMessage message(String routingKey, String messageId) {
    return message(routingKey, messageId, null);
  }

  private static OutgoingMessage message(
      String routingKey, String messageId, Map<String, Object> headers) {
    AMQP.BasicProperties properties =
        new AMQP.BasicProperties.Builder().messageId(messageId).headers(headers).build();
    return new OutgoingMessage(
        "",
        routingKey,
        properties,
        (routingKey + "/" + messageId).getBytes(StandardCharsets.UTF_8));
  }

  private static PublishOutcome answer(CompletableFuture<PublishOutcome> future) throws Exception {
    return ConfirmingPublisher.await(future, TIMEOUT);
  }

  @Test
  void aRoutedMessageIsConfirmedWithoutExtraHeadersAndAnUnroutableOneIsReturned(TestBroker broker)
      throws Exception {
    String queue = queue(broker);
    // A window of two: the third publish blocks unless the answers released it.
    try (ConfirmingPublisher publisher =
        new ConfirmingPublisher(broker.connection().createChannel(), 2)) {
      CompletableFuture<PublishOutcome> routed = publisher.publish(message(queue, "id-1"));
      CompletableFuture<PublishOutcome> unroutable =
          publisher.publish(message(broker.namespace() + ".nowhere", "id-2"));

      assertEquals(PublishOutcome.CONFIRMED, answer(routed));
      assertEquals(PublishOutcome.RETURNED, answer(unroutable));
      CompletableFuture<PublishOutcome> third =
          assertTimeoutPreemptively(TIMEOUT, () -> publisher.publish(message(queue, "id-3")));
      assertEquals(PublishOutcome.CONFIRMED, answer(third));
    }
    GetResponse delivered = broker.get(queue);
    assertNotNull(delivered);
    assertEquals("id-1", delivered.getProps().getMessageId());
    Map<String, Object> headers = delivered.getProps().getHeaders();
    assertFalse(headers != null && headers.containsKey("x-publish-seq"), String.valueOf(headers));
  }

  @Test
  void publishesInFlightTogetherWithOneMessageIdAreToldApart(TestBroker broker) throws Exception {
    String queue = queue(broker);
    String nowhere = broker.namespace() + ".nowhere";
    List<CompletableFuture<PublishOutcome>> routed = new ArrayList<>();
    List<CompletableFuture<PublishOutcome>> unroutable = new ArrayList<>();
    try (ConfirmingPublisher publisher =
        new ConfirmingPublisher(broker.connection().createChannel(), 1000)) {
      for (int i = 0; i < 200; i++) {
        String id = "shared-" + (i / 4);
        // Within each id: returned first, then routed, then the other way round.
        boolean routedFirst = i % 4 >= 2;
        if ((i % 2 == 0) == routedFirst) {
          routed.add(publisher.publish(message(queue, id)));
        } else {
          unroutable.add(publisher.publish(message(nowhere, id)));
        }
      }
      for (CompletableFuture<PublishOutcome> future : routed) {
        assertEquals(PublishOutcome.CONFIRMED, answer(future));
      }
      for (CompletableFuture<PublishOutcome> future : unroutable) {
        assertEquals(PublishOutcome.RETURNED, answer(future));
      }
    }
    assertEquals(routed.size(), broker.messageCount(queue));
  }

  @Test
  void aStaleSequenceHeaderOnAReplayedMessageCannotMakeItsReturnCountAsConfirmed(TestBroker broker)
      throws Exception {
    String queue = queue(broker);
    try (ConfirmingPublisher publisher =
        new ConfirmingPublisher(broker.connection().createChannel(), 10)) {
      // Sequence 1 on this channel is the routed publish; the replay claims to be sequence 1 too.
      CompletableFuture<PublishOutcome> routed = publisher.publish(message(queue, "first"));
      CompletableFuture<PublishOutcome> replayed =
          publisher.publish(
              message(broker.namespace() + ".nowhere", "replayed", Map.of("x-publish-seq", 1L)));

      assertEquals(PublishOutcome.CONFIRMED, answer(routed));
      assertEquals(PublishOutcome.RETURNED, answer(replayed));
    }
  }

  @Test
  void anUnroutableMessageWithoutIdIsReturned(TestBroker broker) throws Exception {
    try (ConfirmingPublisher publisher =
        new ConfirmingPublisher(broker.connection().createChannel(), 10)) {
      assertEquals(
          PublishOutcome.RETURNED,
          answer(publisher.publish(message(broker.namespace() + ".nowhere", null))));
    }
  }
}
