package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import orderflow.envelope.EventCodec;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RabbitMqExtension.class)
class WatchCommandIT {
  private static final Pattern QUEUE = Pattern.compile("temporary queue (\\S+)");

  @Test
  void watchPrintsAnEventPublishedWhileItRunsAndLeavesNoQueueBehind(TestBroker broker)
      throws Exception {
    broker.topology();
    CommandRun watch = new CommandRun();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread watcher =
        new Thread(
            () ->
                exit.set(
                    watch.execute(
                        "watch",
                        "--uri",
                        broker.uriString(),
                        "--namespace",
                        broker.namespace(),
                        "--type",
                        "OrderCreated",
                        "--limit",
                        "1",
                        "--json")),
            "it-watch");
    watcher.start();
    TestBroker.await(
        "the watcher to be ready",
        Duration.ofSeconds(10),
        () -> QUEUE.matcher(watch.err.toString()).find());
    String temporaryQueue = temporaryQueue(watch);

    CommandRun.Result order =
        CommandRun.run(
            "order",
            "--uri",
            broker.uriString(),
            "--namespace",
            broker.namespace(),
            "--customer",
            "c",
            "--item",
            "sku-1:1",
            "--json");
    assertEquals(0, order.exitCode(), order.toString());
    String orderId = EventCodec.mapper().readTree(order.out()).get("orderId").asText();

    watcher.join(Duration.ofSeconds(10).toMillis());
    assertEquals(0, exit.get(), "watch exit; stderr: " + watch.err);
    JsonNode line = EventCodec.mapper().readTree(watch.out.toString().strip());
    assertEquals(orderId, line.get("orderId").asText());
    assertEquals("OrderCreated", line.get("eventType").asText());
    assertTrue(line.get("hopMs").asLong() >= 0, line.toString());
    assertGone(broker, temporaryQueue);
  }

  @Test
  void interruptedWatchStopsCleanlyAndLeavesNoQueueBehind(TestBroker broker) throws Exception {
    broker.topology();
    CommandRun watch = new CommandRun();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread watcher =
        new Thread(
            () ->
                exit.set(
                    watch.execute(
                        "watch", "--uri", broker.uriString(), "--namespace", broker.namespace())),
            "it-watch");
    watcher.start();
    TestBroker.await(
        "the watcher to be ready",
        Duration.ofSeconds(10),
        () -> QUEUE.matcher(watch.err.toString()).find());
    String temporaryQueue = temporaryQueue(watch);

    watcher.interrupt();
    watcher.join(Duration.ofSeconds(10).toMillis());

    assertEquals(0, exit.get(), "watch exit; stderr: " + watch.err);
    assertGone(broker, temporaryQueue);
  }

  private static String temporaryQueue(CommandRun watch) {
    Matcher matcher = QUEUE.matcher(watch.err.toString());
    assertTrue(matcher.find(), watch.err.toString());
    return matcher.group(1);
  }

  private static void assertGone(TestBroker broker, String queue) throws Exception {
    try (Channel channel = broker.connection().createChannel()) {
      IOException e = assertThrows(IOException.class, () -> channel.queueDeclarePassive(queue));
      assertTrue(String.valueOf(e.getCause()).contains("404"), String.valueOf(e.getCause()));
    } catch (com.rabbitmq.client.AlreadyClosedException e) {
      // The 404 closed the channel before try-with-resources could.
    }
  }
}
