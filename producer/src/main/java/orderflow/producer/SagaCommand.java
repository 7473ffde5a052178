package orderflow.producer;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DeliverCallback;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import orderflow.cli.JsonOutput;
import orderflow.cli.ManifestVersion;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import orderflow.envelope.InvalidEventException;
import orderflow.envelope.OrderCancelled;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.EventMessages;
import orderflow.publish.OutgoingMessage;
import orderflow.publish.PublishOutcome;
import orderflow.publish.PublishSpans;
import orderflow.topology.Topology;
import orderflow.trace.Tracing;
import orderflow.trace.TracingOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code producer saga}: publishes orders, cancels a fraction of them at random moments if asked,
 * and follows each one to its end state (shipped, rejected, cancelled, failed, or dead-lettered),
 * then prints a summary. What {@code bin/demo} and the end-to-end benchmark run.
 */
@Command(
    name = "saga",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Publishes N orders (random products and quantities), cancels a fraction of them at random"
          + " moments (--cancel-rate), and waits until every order is shipped, rejected, cancelled,"
          + " failed or dead-lettered (and every cancellation answered, every released reservation"
          + " seen); prints created, reserved, rejected, shipped, retried, dead-lettered (with"
          + " --cancel-rate also cancellations, cancelled, failed, refused, released and"
          + " conflicting) and the end-to-end latency p50/p95/p99 (OrderCreated timestamp to"
          + " OrderShipped seen).",
      "Exits 1 if some order has not reached an end state within --timeout, or if some order"
          + " reached two of shipping's end states or shipped and had its stock released."
    })
final class SagaCommand extends BrokerCommand {
  private static final Duration POLL = Duration.ofMillis(200);

  @Option(
      names = "--count",
      defaultValue = "200",
      paramLabel = "N",
      description = "Orders (default ${DEFAULT-VALUE})")
  int count;

  @Option(
      names = "--rate",
      paramLabel = "R",
      description = "Orders per second (default: as fast as confirms allow)")
  double rate;

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
          "Fraction of orders (0 to 1) to cancel (OrderCancelled) at a random moment within"
              + " --cancel-within of their publication (default ${DEFAULT-VALUE})")
  double cancelRate;

  @Option(
      names = "--cancel-within",
      defaultValue = "2s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Latest moment of a cancellation after its order (default ${DEFAULT-VALUE}): early ones"
              + " overtake the order, late ones find it shipped and are refused")
  Duration cancelWithin;

  @Option(
      names = "--timeout",
      defaultValue = "120s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long to wait for every order to finish (default ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(
      names = "--warmup",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Orders created in this first part of the run are followed to their end but left out of"
              + " the latency, and shipments seen in it out of the rate (default: none)")
  Duration warmup = Duration.ZERO;

  @Option(
      names = "--metrics-url",
      paramLabel = "URL",
      description = "A service's /metrics page, to count retries and dead letters (repeatable)")
  List<URI> metricsUrls = new ArrayList<>();

  @Mixin TopologyOption topology;

  @Mixin TracingOption tracing;

  @Option(names = "--json", description = "Print the summary as one JSON object")
  boolean json;

  @Override
  int execute() throws Exception {
    validate();
    SagaTally tally = new SagaTally();
    EventCodec codec = new EventCodec();
    try (Tracing traces = tracing.open(BrokerSession.PROCESS_NAME);
        BrokerSession session = BrokerSession.open(spec, broker, "saga", topology.setup());
        Channel observer = session.connection().createChannel();
        ConfirmingPublisher publisher =
            new ConfirmingPublisher(session.connection().createChannel(), 100)) {
      Topology topology = session.topology();
      observe(observer, topology, codec, tally);
      long deadLettersBefore = deadLetters(observer, topology);
      double retriesBefore = metric("orderflow_retries_total");
      long start = System.nanoTime();
      tally.measureFrom(Instant.now().plus(warmup));
      publish(new Publishing(publisher, new PublishSpans(traces)), topology, codec, tally);
      long deadline = System.nanoTime() + timeout.toNanos();
      long deadLettered = 0;
      while (System.nanoTime() < deadline) {
        deadLettered = deadLetters(observer, topology) - deadLettersBefore;
        if (tally.settled() + deadLettered >= count) {
          break;
        }
        Thread.sleep(POLL.toMillis());
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Map<String, Object> summary =
          summary(tally, deadLettered, metric("orderflow_retries_total") - retriesBefore, seconds);
      print(summary);
      long unfinished = count - tally.settled() - deadLettered;
      if (unfinished > 0) {
        return fail(unfinished + " of " + count + " orders did not finish within " + timeout, null);
      }
      if (tally.conflicting() > 0) {
        return fail(
            tally.conflicting()
                + " orders reached more than one end state, or shipped and were released",
            null);
      }
      return 0;
    }
  }

  private void validate() {
    if (count <= 0) {
      throw new ParameterException(spec.commandLine(), "--count must be at least 1");
    }
    if (maxQuantity <= 0) {
      throw new ParameterException(spec.commandLine(), "--max-quantity must be at least 1");
    }
    if (rate < 0) {
      throw new ParameterException(spec.commandLine(), "--rate must not be negative");
    }
    if (!(cancelRate >= 0 && cancelRate <= 1)) {
      throw new ParameterException(spec.commandLine(), "--cancel-rate must be between 0 and 1");
    }
    if (cancelWithin.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--cancel-within must not be negative");
    }
    OrderRules.requireValid(spec, "saga", products, maxQuantity);
  }

  /** A temporary queue that sees every event of the saga; removed when the channel closes. */
  private static void observe(Channel channel, Topology topology, EventCodec codec, SagaTally tally)
      throws java.io.IOException {
    String queue = channel.queueDeclare("", false, true, true, null).getQueue();
    for (EventType type : EventType.values()) {
      if (type != EventType.ORDER_CREATED && type != EventType.ORDER_CANCELLED) {
        channel.queueBind(queue, topology.ordersExchange(), type.routingKey());
      }
    }
    DeliverCallback onEvent =
        (tag, delivery) -> {
          try {
            tally.seen(codec.decode(delivery.getBody()), Instant.now());
          } catch (InvalidEventException ignored) {
            // Not ours to judge: the services dead-letter malformed events.
          }
        };
    // Auto-ack is right here: an exclusive temporary queue of an observer, not a consumer of
    // record.
    channel.basicConsume(queue, true, onEvent, tag -> {});
  }

  /** The saga's confirming channel, each publish in its PRODUCER span when tracing. */
  private record Publishing(ConfirmingPublisher publisher, PublishSpans spans) {
    CompletableFuture<PublishOutcome> publish(OutgoingMessage message) throws Exception {
      return spans.publish(publisher, message);
    }
  }

  private void publish(Publishing publisher, Topology topology, EventCodec codec, SagaTally tally)
      throws Exception {
    EventMessages messages = new EventMessages(codec);
    RatePacer pacer = new RatePacer(rate);
    CancellationSchedule cancellations =
        new CancellationSchedule(cancelRate, cancelWithin, new Random());
    pacer.start();
    List<CompletableFuture<PublishOutcome>> answers = new ArrayList<>(count);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < count; i++) {
      pacer.awaitNext();
      answers.addAll(cancelDue(cancellations, publisher, messages, topology, tally));
      OrderItem item =
          new OrderItem(
              products.get(random.nextInt(products.size())),
              1 + random.nextInt(maxQuantity),
              OrderGenerator.UNIT_PRICE);
      EventEnvelope order =
          EventEnvelope.first(
              OrderCreated.of(UUID.randomUUID().toString(), "saga", List.of(item)),
              OrderCommand.SOURCE);
      tally.published(order);
      answers.add(publisher.publish(messages.toMessage(order, topology.ordersExchange())));
      cancellations.offer(order.payload().orderId(), System.nanoTime());
    }
    while (!cancellations.isEmpty()) {
      long wait = cancellations.nextDueNanos() - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      answers.addAll(cancelDue(cancellations, publisher, messages, topology, tally));
    }
    long unconfirmed = 0;
    for (CompletableFuture<PublishOutcome> answer : answers) {
      if (!ConfirmingPublisher.await(answer, Duration.ofSeconds(30)).confirmed()) {
        unconfirmed++;
      }
    }
    if (unconfirmed > 0) {
      throw new CommandFailure(
          unconfirmed
              + " orders or cancellations were not confirmed by the broker"
              + publisher.publisher().refusal().map(reply -> ": " + reply).orElse(""),
          null);
    }
  }

  private static List<CompletableFuture<PublishOutcome>> cancelDue(
      CancellationSchedule cancellations,
      Publishing publisher,
      EventMessages messages,
      Topology topology,
      SagaTally tally)
      throws Exception {
    List<CompletableFuture<PublishOutcome>> answers = new ArrayList<>();
    for (String orderId : cancellations.due(System.nanoTime())) {
      EventEnvelope cancellation =
          EventEnvelope.first(
              new OrderCancelled(orderId, "cancelled by producer saga"), OrderCommand.SOURCE);
      tally.cancellationAsked(orderId);
      answers.add(publisher.publish(messages.toMessage(cancellation, topology.ordersExchange())));
    }
    return answers;
  }

  private static long deadLetters(Channel channel, Topology topology) throws java.io.IOException {
    long total = 0;
    for (String work : topology.workQueues()) {
      total += channel.queueDeclarePassive(topology.deadLetterQueue(work)).getMessageCount();
    }
    return total;
  }

  private double metric(String name) throws Exception {
    return metricsUrls.isEmpty() ? 0 : MetricsScrape.sum(metricsUrls, name);
  }

  private Map<String, Object> summary(
      SagaTally tally, long deadLettered, double retried, double seconds) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("created", tally.created());
    summary.put("reserved", tally.reserved());
    summary.put("rejected", tally.rejected());
    summary.put("shipped", tally.shipped());
    if (cancelRate > 0 || tally.cancelled() + tally.failed() > 0) {
      summary.put("cancellations", tally.cancellationsAsked());
      summary.put("cancelled", tally.cancelled());
      summary.put("failed", tally.failed());
      summary.put("refused", tally.refused());
      summary.put("released", tally.released());
      summary.put("conflicting", tally.conflicting());
    }
    summary.put("retried", metricsUrls.isEmpty() ? null : (long) retried);
    summary.put("deadLettered", deadLettered);
    summary.put("unfinished", Math.max(0, count - tally.settled() - deadLettered));
    summary.put("seconds", round(seconds));
    if (!warmup.isZero()) {
      summary.put("warmupSeconds", round(warmup.toNanos() / 1e9));
    }
    summary.put("shippedPerSec", round(tally.shippedPerSecond()));
    // Over the whole run, warm-up, ramp and the last poll included: the figure before --warmup.
    summary.put("overallShippedPerSec", round(seconds > 0 ? tally.shipped() / seconds : 0));
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("p50", round(tally.latencyMillis(50)));
    latency.put("p95", round(tally.latencyMillis(95)));
    latency.put("p99", round(tally.latencyMillis(99)));
    summary.put("endToEndLatencyMs", latency);
    return summary;
  }

  private void print(Map<String, Object> summary) throws Exception {
    PrintWriter out = out();
    if (json) {
      JsonOutput.print(out, summary);
    } else {
      out.println(table(summary));
    }
    out.flush();
  }

  @SuppressWarnings("unchecked")
  private static String table(Map<String, Object> summary) {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, Object> row : summary.entrySet()) {
      Object value = row.getValue();
      if (value instanceof Map<?, ?> nested) {
        Map<String, Object> percentiles = (Map<String, Object>) nested;
        value =
            "p50 "
                + percentiles.get("p50")
                + "  p95 "
                + percentiles.get("p95")
                + "  p99 "
                + percentiles.get("p99");
      }
      text.append(String.format("%-20s %s%n", row.getKey(), value == null ? "n/a" : value));
    }
    return text.toString().stripTrailing();
  }

  private static double round(double value) {
    return BigDecimal.valueOf(value).setScale(1, java.math.RoundingMode.HALF_UP).doubleValue();
  }
}
