package orderflow.producer;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import orderflow.cli.JsonOutput;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.EventMessages;
import orderflow.publish.PublishOutcome;
import orderflow.publish.PublishSpans;
import orderflow.trace.Tracing;
import orderflow.trace.TracingOption;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * What the load drivers share: {@code --rate}, {@code --json}, {@code --no-declare}, {@code
 * --tracing}, a session with one confirming channel, each publish in its PRODUCER span when
 * tracing, and the summary's printing.
 */
abstract class DriverCommand extends BrokerCommand {
  /** The unit price of every generated order line. */
  static final BigDecimal UNIT_PRICE = new BigDecimal("9.99");

  @Option(
      names = "--rate",
      paramLabel = "R",
      description = "Orders per second (default: as fast as confirms allow)")
  double rate;

  @Option(names = "--json", description = "Print the summary as one JSON object")
  boolean json;

  @Mixin TopologyOption topology;
  @Mixin TracingOption tracing;

  final EventCodec codec = new EventCodec();
  private final EventMessages messages = new EventMessages(codec);
  private ConfirmingPublisher publisher;
  private PublishSpans spans;
  private String exchange;

  /** The run, on an open session; {@link #send} publishes on its confirming channel. */
  abstract int run(BrokerSession session, ConfirmingPublisher publisher) throws Exception;

  /** Opens the session with a window of {@code maxInFlight} unconfirmed, then {@link #run}s. */
  int runWith(String purpose, int maxInFlight) throws Exception {
    try (Tracing traces = tracing.open(BrokerSession.PROCESS_NAME);
        BrokerSession session = BrokerSession.open(spec, broker, purpose, topology.setup());
        ConfirmingPublisher confirming =
            new ConfirmingPublisher(session.connection().createChannel(), maxInFlight)) {
      publisher = confirming;
      spans = new PublishSpans(traces);
      exchange = session.topology().ordersExchange();
      return run(session, confirming);
    }
  }

  CompletableFuture<PublishOutcome> send(EventEnvelope event) throws Exception {
    return spans.publish(publisher, messages.toMessage(event, exchange));
  }

  /** A usage error (exit 2) with {@code message} unless {@code valid}. */
  void require(boolean valid, String message) {
    if (!valid) {
      throw new ParameterException(spec.commandLine(), message);
    }
  }

  /** Checks that every product, with this quantity, makes an order a consumer would accept. */
  void requireValidOrders(String customer, List<String> products, int maxQuantity) {
    require(rate >= 0, "--rate must not be negative");
    for (String product : products) {
      asUsageError(
          "invalid order",
          () ->
              OrderCreated.of(
                  "check", customer, List.of(new OrderItem(product, maxQuantity, UNIT_PRICE))));
    }
  }

  void print(Object summary, String text) {
    if (json) {
      JsonOutput.print(out(), summary);
    } else {
      out().println(text);
      out().flush();
    }
  }

  static double round(double value, int decimals) {
    return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
  }
}
