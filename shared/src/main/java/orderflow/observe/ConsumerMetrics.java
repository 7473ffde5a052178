package orderflow.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.envelope.EventType;

/**
 * The consumer runtime's meters in a Prometheus registry, labelled {@code consumer=<name>}. Label
 * values are kept to a closed set (anything else is {@code unknown}), so no message can grow the
 * number of series. Timers are histograms with fixed buckets plus p50/p95/p99 gauges. Thread-safe.
 */
public final class ConsumerMetrics {
  public static final String DELIVERIES = "orderflow.deliveries";
  public static final String ACKS = "orderflow.acks";
  public static final String DUPLICATES = "orderflow.duplicates";
  public static final String RETRIES = "orderflow.retries";
  public static final String DEAD_LETTERS = "orderflow.dead.letters";
  public static final String HANDLER_TIME = "orderflow.handler";
  public static final String END_TO_END_LATENCY = "orderflow.end.to.end.latency";
  public static final String IN_FLIGHT = "orderflow.in.flight";
  public static final String OUTBOX_BACKLOG = "orderflow.outbox.backlog";
  public static final String OUTBOX_MARK_FAILURES = "orderflow.outbox.mark.failures";
  public static final String BREAKER_STATE = "orderflow.breaker.state";

  private static final String UNKNOWN = "unknown";
  private static final String EVENT_TYPE_TAG = "event_type";

  private static final Set<String> EVENT_TYPES =
      Arrays.stream(EventType.values()).map(EventType::wireName).collect(Collectors.toSet());

  private static final Set<String> REASONS =
      Set.of(
          DeadLetterHeaders.REASON_INVALID_EVENT,
          DeadLetterHeaders.REASON_PERMANENT_FAILURE,
          DeadLetterHeaders.REASON_RETRIES_EXHAUSTED,
          DeadLetterHeaders.REASON_EVENT_ID_CONFLICT,
          DeadLetterHeaders.REASON_TOO_LARGE);

  /** The shape of a retry tier's label: {@code 5s}, {@code 500ms}. */
  private static final Pattern TIER = Pattern.compile("[0-9]{1,9}(ms|s)");

  private static final double[] PERCENTILES = {0.5, 0.95, 0.99};
  private static final Duration[] HANDLER_BUCKETS =
      durations(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);
  private static final Duration[] LATENCY_BUCKETS =
      durations(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900);

  private final PrometheusMeterRegistry registry;
  // Looked up per delivery: registering a meter each time costs more than recording into it.
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  // The latest source of each gauge, by meter name, read at scrape time.
  private final Map<String, Supplier<Number>> sources = new ConcurrentHashMap<>();

  private ConsumerMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    gauge(IN_FLIGHT, "Deliveries taken and not yet settled");
    gauge(OUTBOX_BACKLOG, "Outbox rows committed and not yet marked sent");
    gauge(BREAKER_STATE, "Circuit breaker: 0 closed, 1 open, 2 half-open");
    FunctionCounter.builder(OUTBOX_MARK_FAILURES, this, m -> m.sample(OUTBOX_MARK_FAILURES))
        .description("Times the outbox publisher could not mark published rows sent")
        .register(registry);
  }

  /** Meters registered in a new Prometheus registry, with the JVM's and process's meters. */
  public static ConsumerMetrics create(String consumer) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("consumer", consumer);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return new ConsumerMetrics(registry);
  }

  /** The registry itself, for other collectors (e.g. the amqp-client's) to share. */
  public MeterRegistry registry() {
    return registry;
  }

  public void delivered(String eventType) {
    counter(DELIVERIES, "Deliveries received", eventType).increment();
  }

  public void acked(String eventType) {
    counter(ACKS, "Deliveries acknowledged", eventType).increment();
  }

  public void duplicate(String eventType) {
    counter(DUPLICATES, "Events already in the inbox, acknowledged without effect", eventType)
        .increment();
  }

  /** {@code tier} is the retry queue's delay label, e.g. {@code 5s}. */
  public void retried(String eventType, String tier) {
    String label = tier != null && TIER.matcher(tier).matches() ? tier : UNKNOWN;
    counter(RETRIES, "Events sent to a retry queue", eventType, "tier", label).increment();
  }

  public void deadLettered(String eventType, String reason) {
    String label = reason != null && REASONS.contains(reason) ? reason : UNKNOWN;
    counter(DEAD_LETTERS, "Events sent to the dead-letter queue", eventType, "reason", label)
        .increment();
  }

  public void handlerTime(String eventType, Duration duration) {
    timer(HANDLER_TIME, "Time spent in the handler's transaction", HANDLER_BUCKETS, eventType)
        .record(duration);
  }

  /** Now minus the event's timestamp, recorded when the event is applied. */
  public void endToEndLatency(String eventType, Duration latency) {
    String description = "Time from the event's timestamp until it was applied";
    // Clock skew between hosts can make this negative; a histogram cannot hold that.
    timer(END_TO_END_LATENCY, description, LATENCY_BUCKETS, eventType)
        .record(latency.isNegative() ? Duration.ZERO : latency);
  }

  /** What the gauge {@code name} ({@link #IN_FLIGHT}, {@link #OUTBOX_BACKLOG}, ...) reads. */
  public void gauge(String name, Supplier<Number> source) {
    sources.put(name, source);
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  private static String eventType(String value) {
    return value != null && EVENT_TYPES.contains(value) ? value : UNKNOWN;
  }

  /** {@code tags} are keys and values. */
  private Counter counter(String name, String description, String eventType, String... tags) {
    String type = eventType(eventType);
    return counters.computeIfAbsent(
        name + "," + type + "," + String.join(",", tags),
        key ->
            Counter.builder(name)
                .description(description)
                .tag(EVENT_TYPE_TAG, type)
                .tags(tags)
                .register(registry));
  }

  private Timer timer(String name, String description, Duration[] buckets, String eventType) {
    String type = eventType(eventType);
    return timers.computeIfAbsent(
        name + "," + type, key -> newTimer(name, description, buckets, type));
  }

  private Timer newTimer(String name, String description, Duration[] buckets, String type) {
    Timer timer =
        Timer.builder(name)
            .description(description)
            .tag(EVENT_TYPE_TAG, type)
            .serviceLevelObjectives(buckets)
            .publishPercentiles(PERCENTILES)
            .register(registry);
    // The Prometheus registry drops a histogram timer's client-side percentiles, so they get
    // gauges of their own: <name>_percentile_seconds.
    for (double percentile : PERCENTILES) {
      Gauge.builder(name + ".percentile", () -> percentileSeconds(timer, percentile))
          .description(description + ", percentile over the last minutes")
          .baseUnit("seconds")
          .tags(EVENT_TYPE_TAG, type, "quantile", Double.toString(percentile))
          .register(registry);
    }
    return timer;
  }

  private static double percentileSeconds(Timer timer, double percentile) {
    for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
      if (value.percentile() == percentile) {
        return value.value(TimeUnit.SECONDS);
      }
    }
    return Double.NaN;
  }

  private void gauge(String name, String description) {
    Gauge.builder(name, () -> sample(name)).description(description).register(registry);
  }

  private double sample(String name) {
    try {
      Number value = sources.getOrDefault(name, () -> 0).get();
      return value == null ? Double.NaN : value.doubleValue();
    } catch (RuntimeException e) {
      // A failing source (e.g. the database is down) must not break the whole scrape.
      return Double.NaN;
    }
  }

  private static Duration[] durations(double... seconds) {
    return Arrays.stream(seconds)
        .mapToObj(s -> Duration.ofNanos(Math.round(s * 1_000_000_000L)))
        .toArray(Duration[]::new);
  }
}
