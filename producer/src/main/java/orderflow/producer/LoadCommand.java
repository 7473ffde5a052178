package orderflow.producer;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import orderflow.broker.BrokerRefusal;
import orderflow.cli.JsonOutput;
import orderflow.cli.ManifestVersion;
import orderflow.envelope.EventCodec;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.EventMessages;
import orderflow.publish.PublishSpans;
import orderflow.trace.Tracing;
import orderflow.trace.TracingOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code producer load}: publishes many orders with confirms and reports rate and latency. */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Publishes N OrderCreated events with publisher confirms, keeping at most --max-in-flight"
          + " unconfirmed, and prints a summary: published, confirmed, nacked, returned, rate,"
          + " confirm latency p50/p95/p99.",
      "Exits 1 if any order was not confirmed."
    })
final class LoadCommand extends BrokerCommand {

  @Option(names = "--count", required = true, paramLabel = "N", description = "Orders to publish")
  long count;

  @Option(
      names = "--rate",
      paramLabel = "R",
      description = "Target orders per second (default: as fast as confirms allow)")
  double rate;

  @Option(
      names = "--customer",
      defaultValue = "load-test",
      paramLabel = "C",
      description = "Customer id of every order (default ${DEFAULT-VALUE})")
  String customer;

  @Option(
      names = "--products",
      split = ",",
      defaultValue = "sku-1,sku-2,sku-3",
      paramLabel = "P1,P2,...",
      description = "Products, used in turn, one line per order (default ${DEFAULT-VALUE})")
  List<String> products;

  @Option(
      names = "--quantity",
      defaultValue = "1",
      paramLabel = "Q",
      description = "Quantity of each line (default ${DEFAULT-VALUE})")
  int quantity;

  @Option(
      names = "--max-in-flight",
      defaultValue = "100",
      paramLabel = "M",
      description = "Most publishes awaiting a confirm at once (default ${DEFAULT-VALUE})")
  int maxInFlight;

  @Option(
      names = "--timeout",
      defaultValue = "30s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long to wait for the last confirms (default ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(
      names = "--warmup",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Publish N orders first and leave them out of the summary (JVM warm-up, for"
              + " benchmarks; default ${DEFAULT-VALUE})")
  long warmup;

  @Mixin TopologyOption topology;

  @Mixin TracingOption tracing;

  @Option(names = "--json", description = "Print the summary as one JSON object")
  boolean json;

  @Override
  int execute() throws Exception {
    validate();
    OrderGenerator orders = new OrderGenerator(customer.strip(), products, quantity);
    EventMessages messages = new EventMessages(new EventCodec());
    LoadSummary summary;
    Optional<String> refusal;
    try (Tracing traces = tracing.open(BrokerSession.PROCESS_NAME);
        BrokerSession session = BrokerSession.open(spec, broker, "load", topology.setup());
        ConfirmingPublisher publisher =
            new ConfirmingPublisher(session.connection().createChannel(), maxInFlight)) {
      BlockedNotice blocks = session.reportBlocks(spec.commandLine().getErr());
      String exchange = session.topology().ordersExchange();
      PublishSpans spans = new PublishSpans(traces);
      if (warmup > 0) {
        new LoadRun(publisher, spans, messages, orders, exchange, new RatePacer(rate))
            .run(warmup, timeout);
      }
      LoadRun run = new LoadRun(publisher, spans, messages, orders, exchange, new RatePacer(rate));
      double blockedBefore = blocks.blockedSeconds();
      try (AutoCloseable progress =
          ProgressLine.startIfTerminal(
              spec.commandLine().getErr(), count, run::published, run::confirmed)) {
        summary =
            run.run(count, timeout).withBlockedSeconds(blocks.blockedSeconds() - blockedBefore);
      } catch (LoadRun.PublishFailedException e) {
        session.abortIfBlocked(publisher.channel());
        print(
            e.summary() == null
                ? null
                : e.summary().withBlockedSeconds(blocks.blockedSeconds() - blockedBefore));
        throw BrokerRefusal.explain(e, "publishing failed");
      }
      refusal = publisher.refusal();
      session.abortIfBlocked(publisher.channel());
    }
    print(summary);
    if (!summary.allConfirmed()) {
      return fail(
          (summary.published() - summary.confirmed())
              + " of "
              + summary.published()
              + " orders were not confirmed"
              + refusal.map(reply -> ": " + reply).orElse(""),
          null);
    }
    return 0;
  }

  private void validate() {
    if (count <= 0) {
      throw new ParameterException(spec.commandLine(), "--count must be at least 1");
    }
    if (count > Integer.MAX_VALUE) {
      throw new ParameterException(spec.commandLine(), "--count must be at most 2147483647");
    }
    if (rate < 0) {
      throw new ParameterException(spec.commandLine(), "--rate must not be negative");
    }
    if (quantity <= 0) {
      throw new ParameterException(spec.commandLine(), "--quantity must be at least 1");
    }
    if (maxInFlight <= 0) {
      throw new ParameterException(spec.commandLine(), "--max-in-flight must be at least 1");
    }
    if (warmup < 0 || warmup > Integer.MAX_VALUE) {
      throw new ParameterException(spec.commandLine(), "--warmup must be 0 to 2147483647");
    }
    if (customer.isBlank() || products.stream().anyMatch(String::isBlank)) {
      throw new ParameterException(
          spec.commandLine(), "--customer and --products must not be blank");
    }
    OrderRules.requireValid(spec, customer.strip(), products, quantity);
  }

  private void print(LoadSummary summary) throws Exception {
    if (summary == null) {
      return;
    }
    PrintWriter out = out();
    if (json) {
      JsonOutput.print(out, summary);
    } else {
      out.println(summary.describe());
    }
    out.flush();
  }
}
