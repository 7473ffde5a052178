package orderflow.producer;

import com.rabbitmq.client.Channel;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code producer watch}: prints each event passing through the orders exchange. */
@Command(
    name = "watch",
    description = {
      "Prints each event published to the orders exchange as it passes (time, type, orderId,"
          + " eventId, hop latency), until Ctrl-C / SIGTERM.",
      "Uses a temporary exclusive queue that the broker deletes when the watcher goes: it takes"
          + " nothing away from the services' queues and leaves nothing behind."
    })
final class WatchCommand extends BrokerCommand {
  @Mixin EventLines lines;
  @Mixin TopologyOption topology;

  private final CountDownLatch stop = new CountDownLatch(1);

  @Override
  int execute() throws Exception {
    PrintWriter out = out();
    try (SignalStop signal =
            new SignalStop("producer-watch-stop", stop::countDown, Duration.ofSeconds(2));
        BrokerSession session = BrokerSession.open(spec, broker, "watch", topology.setup())) {
      Channel channel = session.connection().createChannel();
      // Exclusive and auto-delete: gone with this connection, even if the process is killed.
      String queue = channel.queueDeclare().getQueue();
      channel.queueBind(queue, session.topology().ordersExchange(), "#");
      // Auto-ack: a watcher is not a consumer of record; a lost line loses no order.
      channel.basicConsume(
          queue,
          true,
          (tag, delivery) -> {
            if (lines.print(out, null, delivery)) {
              stop.countDown();
            }
            out.flush();
          },
          tag -> stop.countDown());
      signal.arm();
      spec.commandLine()
          .getErr()
          .printf(
              "watching %s through temporary queue %s (Ctrl-C to stop)%n",
              session.topology().ordersExchange(), queue)
          .flush();
      try {
        stop.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (channel.isOpen()) {
        channel.queueDelete(queue);
      }
    }
    return 0;
  }
}
