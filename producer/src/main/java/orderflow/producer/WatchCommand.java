package orderflow.producer;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import orderflow.cli.ManifestVersion;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import orderflow.envelope.InvalidEventException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code producer watch}: prints each event passing through the orders exchange. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Prints each event published to the orders exchange as it passes (time, type, orderId,"
          + " eventId, hop latency), until Ctrl-C / SIGTERM.",
      "Uses a temporary exclusive queue that the broker deletes when the watcher goes: it takes"
          + " nothing away from the services' queues and leaves nothing behind."
    })
final class WatchCommand extends BrokerCommand {

  @Option(names = "--order", paramLabel = "ID", description = "Only events of this order")
  String orderId;

  @Option(
      names = "--type",
      paramLabel = "T",
      description = "Only events of this type (OrderCreated, InventoryReserved, ...)")
  String type;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Stop after printing N events (default: run until stopped)")
  long limit;

  @Mixin TopologyOption topology;

  @Option(names = "--json", description = "Print one JSON object per line")
  boolean json;

  private final CountDownLatch stop = new CountDownLatch(1);
  private final AtomicLong printed = new AtomicLong();

  @Override
  int execute() throws Exception {
    EventFilter filter = EventFilter.of(spec, orderId, type);
    EventCodec codec = new EventCodec();
    PrintWriter out = out();
    PrintWriter err = spec.commandLine().getErr();
    try (SignalStop signal =
            new SignalStop("producer-watch-stop", stop::countDown, Duration.ofSeconds(2));
        BrokerSession session = BrokerSession.open(spec, broker, "watch", topology.setup())) {
      Channel channel = session.connection().createChannel();
      // Server-named, exclusive, auto-delete, non-durable: the broker deletes it when this
      // connection closes, even if the process is killed, so a watcher leaves nothing behind.
      String queue = channel.queueDeclare().getQueue();
      channel.queueBind(queue, session.topology().ordersExchange(), "#");
      // autoAck is acceptable here ONLY because this queue is exclusive and temporary and a
      // watcher is not a consumer of record: losing a line of display loses no order. Every
      // service queue is consumed with manual acks.
      channel.basicConsume(
          queue,
          true,
          (tag, delivery) -> show(codec, delivery, filter, out),
          tag -> stop.countDown());
      signal.arm();
      err.println(
          "watching "
              + session.topology().ordersExchange()
              + " through temporary queue "
              + queue
              + " (Ctrl-C to stop)");
      err.flush();
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

  private void show(EventCodec codec, Delivery delivery, EventFilter filter, PrintWriter out) {
    long receivedAt = System.currentTimeMillis();
    EventEnvelope event;
    try {
      event = codec.decode(delivery.getBody());
    } catch (InvalidEventException e) {
      if (filter.showsInvalid()) {
        out.println(EventLines.invalid(delivery, e, json));
        out.flush();
      }
      return;
    }
    if (!filter.accepts(event)) {
      return;
    }
    out.println(json ? EventLines.json(event, receivedAt) : EventLines.text(event, receivedAt));
    out.flush();
    if (limit > 0 && printed.incrementAndGet() >= limit) {
      stop.countDown();
    }
  }

  /** Which events to show: all, or one order's, or one type's. */
  record EventFilter(String orderId, EventType type) {
    /**
     * From {@code --order} and {@code --type} (a wire name), either may be null.
     *
     * @throws ParameterException naming the known types when {@code type} is not one
     */
    static EventFilter of(CommandSpec spec, String orderId, String type) {
      if (type == null) {
        return new EventFilter(orderId, null);
      }
      return new EventFilter(
          orderId,
          EventType.fromWireName(type)
              .orElseThrow(
                  () ->
                      new ParameterException(
                          spec.commandLine(),
                          "unknown --type '"
                              + type
                              + "'; one of "
                              + Arrays.stream(EventType.values())
                                  .map(EventType::wireName)
                                  .collect(Collectors.joining(", ")))));
    }

    boolean accepts(EventEnvelope event) {
      return (orderId == null
              || orderId.equals(event.payload().orderId())
              || orderId.equals(event.metadata().correlationId()))
          && (type == null || type == event.eventType());
    }

    boolean showsInvalid() {
      return orderId == null && type == null;
    }
  }
}
