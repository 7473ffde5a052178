package orderflow.producer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import orderflow.cli.ManifestVersion;
import orderflow.config.Durations;
import orderflow.consume.process.WarmUp;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import orderflow.envelope.InvalidEventException;
import orderflow.envelope.OrderCancelled;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.PublishOutcome;
import orderflow.topology.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code producer saga}: publishes orders, cancels a fraction of them at random moments if asked,
 * and follows each one to its end state, then prints a summary. What {@code bin/demo} and the
 * end-to-end benchmark run.
 */
@Command(
    name = "saga",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Publishes N orders (random products and quantities), cancels a fraction of them at random"
          + " moments (--cancel-rate), and waits until every order is shipped, rejected, cancelled,"
          + " failed or dead-lettered, every cancellation answered and every release seen; prints"
          + " the counts and the end-to-end latency p50/p95/p99 (OrderCreated timestamp to"
          + " OrderShipped seen).",
      "Exits 1 if some order has not ended within --timeout, or reached two of shipping's end"
          + " states, or shipped and had its stock released."
    })
final class SagaCommand extends DriverCommand {
  private static final Duration POLL = Duration.ofMillis(200);

  @Option(
      names = "--count",
      defaultValue = "200",
      paramLabel = "N",
      description = "Orders (default ${DEFAULT-VALUE})")
  int count;

  @Option(
      names = "--products",
      split = ",",
      defaultValue = "sku-1,sku-2,sku-3,sku-4,sku-5",
      paramLabel = "P1,P2,...",
      description = "Products to order from (default ${DEFAULT-VALUE})")
  List<String> products;

  @Option(
      names = "--max-quantity",
      defaultValue = "5",
      paramLabel = "Q",
      description = "Each order asks for 1..Q units of one product (default ${DEFAULT-VALUE})")
  int maxQuantity;

  @Option(
      names = "--cancel-rate",
      defaultValue = "0",
      paramLabel = "R",
      description =
          "Fraction of orders (0 to 1) to cancel within --cancel-within of their publication"
              + " (default ${DEFAULT-VALUE})")
  double cancelRate;

  @Option(
      names = "--cancel-within",
      defaultValue = "2s",
      paramLabel = "DURATION",
      converter = Durations.Positive.class,
      description =
          "Latest moment of a cancellation after its order (default ${DEFAULT-VALUE}): early ones"
              + " overtake the order, late ones find it shipped and are refused")
  Duration cancelWithin;

  @Option(
      names = "--timeout",
      defaultValue = "120s",
      paramLabel = "DURATION",
      converter = Durations.Positive.class,
      description = "How long to wait for every order to finish (default ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(
      names = "--warmup",
      paramLabel = "DURATION",
      converter = Durations.Positive.class,
      description =
          "Orders created in this first part of the run are left out of the latency, and"
              + " shipments seen in it out of the rate (default: none)")
  Duration warmup = Duration.ZERO;

  @Option(
      names = "--metrics-url",
      paramLabel = "URL",
      description = "A service's /metrics page, to count retries (repeatable)")
  List<URI> metricsUrls = new ArrayList<>();

  /**
   * The run's summary; the cancellation fields appear when cancellations were asked or seen, and
   * {@code retried} is null without {@code --metrics-url}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Summary(
      long created,
      long reserved,
      long rejected,
      long shipped,
      Long cancellations,
      Long cancelled,
      Long failed,
      Long refused,
      Long released,
      Long conflicting,
      @JsonInclude(JsonInclude.Include.ALWAYS) Long retried,
      long deadLettered,
      long unfinished,
      double seconds,
      Double warmupSeconds,
      double shippedPerSec,
      double overallShippedPerSec,
      LoadSummary.Percentiles endToEndLatencyMs) {}

  private final SagaTally tally = new SagaTally();

  @Override
  int execute() throws Exception {
    require(count > 0, "--count must be at least 1");
    require(maxQuantity > 0, "--max-quantity must be at least 1");
    require(cancelRate >= 0 && cancelRate <= 1, "--cancel-rate must be between 0 and 1");
    requireValidOrders("saga", products, maxQuantity);
    return runWith("saga", 100);
  }

  @Override
  int run(BrokerSession session, ConfirmingPublisher publisher) throws Exception {
    Topology names = session.topology();
    Channel observer = session.connection().createChannel();
    observe(observer, names.ordersExchange());
    long deadLettersBefore = deadLetters(observer, names);
    double retriesBefore = retries();
    EventCodec warm = new EventCodec(); // the codec's first use, before the clock starts
    for (int i = 0; i < 300; i++) {
      for (EventType type : EventType.values()) {
        warm.decode(warm.encode(EventEnvelope.first(WarmUp.sample(type), "saga-warm-up")));
      }
    }
    long start = System.nanoTime();
    tally.measureFrom(Instant.now().plus(warmup));
    publish(publisher);
    long deadline = System.nanoTime() + timeout.toNanos();
    long deadLettered = deadLetters(observer, names) - deadLettersBefore;
    while (tally.settled() + deadLettered < count && System.nanoTime() < deadline) {
      Thread.sleep(POLL.toMillis());
      deadLettered = deadLetters(observer, names) - deadLettersBefore;
    }
    Summary summary =
        summary(deadLettered, retries() - retriesBefore, (System.nanoTime() - start) / 1e9);
    print(summary, table(summary));
    if (summary.unfinished() > 0) {
      return fail(
          summary.unfinished() + " of " + count + " orders did not finish within " + timeout, null);
    }
    if (tally.conflicting() > 0) {
      return fail(
          tally.conflicting()
              + " orders reached more than one end state, or shipped and were released",
          null);
    }
    return 0;
  }

  /** A temporary queue that sees every answer of the saga; removed with the connection. */
  private void observe(Channel channel, String exchange) throws IOException {
    String queue = channel.queueDeclare("", false, true, true, null).getQueue();
    for (EventType type : EventType.values()) {
      if (type != EventType.ORDER_CREATED && type != EventType.ORDER_CANCELLED) {
        channel.queueBind(queue, exchange, type.routingKey());
      }
    }
    // Auto-ack suits an exclusive temporary queue of an observer, not a consumer of record.
    channel.basicConsume(
        queue,
        true,
        (tag, delivery) -> {
          try {
            tally.seen(codec.decode(delivery.getBody()), Instant.now());
          } catch (InvalidEventException ignored) {
            // Not ours to judge: the services dead-letter malformed events.
          }
        },
        tag -> {});
  }

  /** Publishes the orders, and the cancellations as they fall due, then awaits every confirm. */
  private void publish(ConfirmingPublisher publisher) throws Exception {
    RatePacer pacer = new RatePacer(rate);
    CancellationSchedule cancellations =
        new CancellationSchedule(cancelRate, cancelWithin, new Random());
    List<CompletableFuture<PublishOutcome>> answers = new ArrayList<>(count);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < count || !cancellations.isEmpty(); i++) {
      if (i < count) {
        pacer.awaitNext();
      } else {
        long wait = Math.max(0, cancellations.nextDueNanos() - System.nanoTime());
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      for (String orderId : cancellations.due(System.nanoTime())) {
        tally.cancellationAsked(orderId);
        OrderCancelled cancellation = new OrderCancelled(orderId, "cancelled by producer saga");
        answers.add(send(EventEnvelope.first(cancellation, OrderCommand.SOURCE)));
      }
      if (i < count) {
        String product = products.get(random.nextInt(products.size()));
        OrderItem item = new OrderItem(product, 1 + random.nextInt(maxQuantity), UNIT_PRICE);
        OrderCreated order = OrderCreated.of(UUID.randomUUID().toString(), "saga", List.of(item));
        EventEnvelope event = EventEnvelope.first(order, OrderCommand.SOURCE);
        tally.published(event);
        answers.add(send(event));
        cancellations.offer(order.orderId(), System.nanoTime());
      }
    }
    long unconfirmed = 0;
    for (CompletableFuture<PublishOutcome> answer : answers) {
      unconfirmed += ConfirmingPublisher.await(answer, Duration.ofSeconds(30)).confirmed() ? 0 : 1;
    }
    if (unconfirmed > 0) {
      throw new CommandFailure(
          unconfirmed
              + " orders or cancellations were not confirmed by the broker"
              + publisher.refusal().map(reply -> ": " + reply).orElse(""),
          null);
    }
  }

  private static long deadLetters(Channel channel, Topology topology) throws IOException {
    long total = 0;
    for (String work : topology.workQueues()) {
      total += channel.queueDeclarePassive(topology.deadLetterQueue(work)).getMessageCount();
    }
    return total;
  }

  private double retries() throws Exception {
    return metricsUrls.isEmpty() ? 0 : MetricsScrape.sum(metricsUrls, "orderflow_retries_total");
  }

  private Summary summary(long deadLettered, double retried, double seconds) {
    boolean cancelling = cancelRate > 0 || tally.cancelled() + tally.failed() > 0;
    return new Summary(
        tally.created(),
        tally.reserved(),
        tally.rejected(),
        tally.shipped(),
        cancelling ? tally.cancellationsAsked() : null,
        cancelling ? tally.cancelled() : null,
        cancelling ? tally.failed() : null,
        cancelling ? tally.refused() : null,
        cancelling ? tally.released() : null,
        cancelling ? tally.conflicting() : null,
        metricsUrls.isEmpty() ? null : (long) retried,
        deadLettered,
        Math.max(0, count - tally.settled() - deadLettered),
        round(seconds, 1),
        warmup.isZero() ? null : round(warmup.toNanos() / 1e9, 1),
        round(tally.shippedPerSecond(), 1),
        round(seconds > 0 ? tally.shipped() / seconds : 0, 1), // warm-up and last poll included
        new LoadSummary.Percentiles(
            round(tally.latencyMillis(50), 1),
            round(tally.latencyMillis(95), 1),
            round(tally.latencyMillis(99), 1)));
  }

  /** One row per field of the summary, as {@code --json} names them. */
  private static String table(Summary summary) {
    StringBuilder table = new StringBuilder();
    Map<?, ?> rows = EventCodec.mapper().convertValue(summary, Map.class);
    rows.forEach(
        (key, value) ->
            table.append(
                String.format(
                    "%-20s %s%n",
                    key,
                    value instanceof Map<?, ?> p
                        ? "p50 " + p.get("p50") + "  p95 " + p.get("p95") + "  p99 " + p.get("p99")
                        : value == null ? "n/a" : value)));
    return table.toString().stripTrailing();
  }
}
