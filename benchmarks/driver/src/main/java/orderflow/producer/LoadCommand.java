package orderflow.producer;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import orderflow.broker.FailureLine;
import orderflow.cli.ManifestVersion;
import orderflow.config.Durations;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.PublishOutcome;
import org.HdrHistogram.ConcurrentHistogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
final class LoadCommand extends DriverCommand {
  @Option(names = "--count", required = true, paramLabel = "N", description = "Orders to publish")
  int count;

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
      converter = Durations.Positive.class,
      description = "How long to wait for the last confirms (default ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(
      names = "--warmup",
      defaultValue = "0",
      paramLabel = "N",
      description = "Publish N orders first, left out of the summary (default ${DEFAULT-VALUE})")
  int warmup;

  private int nextProduct;

  @Override
  int execute() throws Exception {
    require(count > 0, "--count must be at least 1");
    require(quantity > 0, "--quantity must be at least 1");
    require(maxInFlight > 0, "--max-in-flight must be at least 1");
    require(warmup >= 0, "--warmup must not be negative");
    require(!customer.isBlank(), "--customer must not be blank");
    requireValidOrders(customer.strip(), products, quantity);
    return runWith("load", maxInFlight);
  }

  @Override
  int run(BrokerSession session, ConfirmingPublisher publisher) throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    BlockedNotice blocks = session.reportBlocks(err);
    Run run = new Run();
    run.publish(warmup);
    double blockedBefore = blocks.blockedSeconds();
    if (run.failure == null) {
      run = new Run();
      Thread progress = progressLine(err, run);
      try {
        run.publish(count);
      } finally {
        progress.interrupt();
        progress.join();
      }
    }
    LoadSummary summary = run.summary(blocks.blockedSeconds() - blockedBefore);
    session.abortIfBlocked(blocks, publisher.channel());
    print(summary, summary.describe());
    if (run.failure != null) {
      throw new CommandFailure(FailureLine.describe(run.failure), run.failure);
    }
    if (!summary.allConfirmed()) {
      return fail(
          (summary.published() - summary.confirmed())
              + " of "
              + summary.published()
              + " orders were not confirmed"
              + publisher.refusal().map(reply -> ": " + reply).orElse(""),
          null);
    }
    return 0;
  }

  /** One line per order, products in turn, so bodies stay near PerfTest's {@code -s 300}. */
  private EventEnvelope nextOrder() {
    String product = products.get(nextProduct);
    nextProduct = (nextProduct + 1) % products.size();
    // Order ids need uniqueness, not unpredictability: SecureRandom would cost more than a publish.
    ThreadLocalRandom random = ThreadLocalRandom.current();
    UUID id =
        new UUID(
            (random.nextLong() & ~0xF000L) | 0x4000L,
            (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
    OrderCreated order =
        OrderCreated.of(
            id.toString(), customer.strip(), List.of(new OrderItem(product, quantity, UNIT_PRICE)));
    return EventEnvelope.first(order, OrderCommand.SOURCE);
  }

  /** One run's counts: published on the command's thread, answers on the connection's. */
  private final class Run {
    final LongAdder confirmed = new LongAdder();
    final LongAdder nacked = new LongAdder();
    final LongAdder returned = new LongAdder();
    final Semaphore answered = new Semaphore(0);
    final ConcurrentHistogram micros = new ConcurrentHistogram(3); // publish to confirm
    volatile long published;
    long nanos;
    Exception failure;

    /** Publishes, then waits up to {@code --timeout} for the answers; a failure stops it. */
    void publish(int orders) throws InterruptedException {
      long start = System.nanoTime();
      RatePacer pacer = new RatePacer(rate);
      for (int i = 0; i < orders && failure == null; i++) {
        pacer.awaitNext();
        try {
          var answer = send(nextOrder());
          long sentAt = System.nanoTime(); // waiting for room in the window is not latency
          published++;
          answer.whenComplete((outcome, error) -> answered(outcome, sentAt));
        } catch (Exception e) {
          failure = e;
        }
      }
      answered.tryAcquire((int) published, timeout.toMillis(), TimeUnit.MILLISECONDS);
      nanos = System.nanoTime() - start;
    }

    private void answered(PublishOutcome outcome, long sentAt) {
      switch (outcome == null ? PublishOutcome.UNCONFIRMED : outcome) {
        case CONFIRMED -> {
          micros.recordValue(Math.max(0, (System.nanoTime() - sentAt) / 1_000));
          confirmed.increment();
        }
        case NACKED -> nacked.increment();
        case RETURNED -> returned.increment();
        case UNCONFIRMED -> {} // published minus every other answer
      }
      answered.release();
    }

    LoadSummary summary(double blockedSeconds) {
      double seconds = nanos / 1e9;
      long ok = confirmed.sum();
      return new LoadSummary(
          published,
          ok,
          nacked.sum(),
          returned.sum(),
          Math.max(0, published - ok - nacked.sum() - returned.sum()),
          round(seconds, 3),
          round(seconds > 0 ? ok / seconds : 0, 1),
          new LoadSummary.Percentiles(millis(50), millis(95), millis(99)),
          round(blockedSeconds, 3));
    }

    private double millis(double percentile) {
      return round(micros.getValueAtPercentile(percentile) / 1000.0, 3);
    }
  }

  /** Rewrites one status line every second, only on a terminal: captured output stays clean. */
  private static Thread progressLine(PrintWriter err, Run run) {
    long started = System.nanoTime();
    Thread thread =
        new Thread(
            () -> {
              try {
                while (System.console() != null) {
                  Thread.sleep(1_000);
                  long done = run.confirmed.sum();
                  err.printf(
                      Locale.ROOT,
                      "\rpublished %d, confirmed %d, %.0f orders/s   ",
                      run.published,
                      done,
                      done / ((System.nanoTime() - started) / 1e9));
                  err.flush();
                }
              } catch (InterruptedException e) {
                err.println();
                err.flush();
              }
            },
            "producer-progress");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
