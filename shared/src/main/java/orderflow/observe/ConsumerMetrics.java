package orderflow.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.envelope.EventType;

/**
 * The consumer runtime's meters in a Prometheus registry, every one labelled {@code
 * consumer=<name>} (Micrometer's dotted names below become {@code orderflow_deliveries_total} and
 * so on). Label values that may come from a message (event type, dead-letter reason, retry tier)
 * are kept to a closed set, anything else counted as {@code unknown}, so no message can grow the
 * number of series. Timers are histograms with fixed buckets plus client-side p50/p95/p99.
 *
 * <p>This class is thread-safe.
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

  /** Every {@code DeadLetterHeaders.REASON_*} constant, so a new reason is counted by its name. */
  private static final Set<String> REASONS =
      Arrays.stream(DeadLetterHeaders.class.getFields())
          .filter(field -> field.getName().startsWith("REASON_"))
          .filter(field -> Modifier.isStatic(field.getModifiers()))
          .filter(field -> field.getType() == String.class)
          .map(
              field -> {
                try {
                  return (String) field.get(null);
                } catch (IllegalAccessException e) {
                  throw new IllegalStateException("cannot read " + field, e);
                }
              })
          .collect(Collectors.toUnmodifiableSet());

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
  private final AtomicReference<Supplier<Number>> inFlight = new AtomicReference<>(() -> 0);
  private final AtomicReference<Supplier<Number>> outboxBacklog = new AtomicReference<>(() -> 0);
  private final AtomicReference<Supplier<Number>> breakerState = new AtomicReference<>(() -> 0);
  private final AtomicReference<Supplier<Number>> outboxMarkFailures =
      new AtomicReference<>(() -> 0);

  private ConsumerMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    gauge(IN_FLIGHT, "Deliveries taken and not yet settled", inFlight);
    gauge(OUTBOX_BACKLOG, "Outbox rows committed and not yet marked sent", outboxBacklog);
    gauge(BREAKER_STATE, "Circuit breaker: 0 closed, 1 open, 2 half-open", breakerState);
    FunctionCounter.builder(OUTBOX_MARK_FAILURES, outboxMarkFailures, ConsumerMetrics::sample)
        .description(
            "Times the outbox publisher could not mark published rows sent; it publishes nothing"
                + " until it can")
        .register(registry);
  }

  /** Meters registered in a new Prometheus registry, with the JVM's and process's meters. */
  public static ConsumerMetrics create(String consumer) {
    Objects.requireNonNull(consumer, "consumer");
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
    counter(DELIVERIES, "Deliveries received", EVENT_TYPE_TAG, eventType(eventType)).increment();
  }

  public void acked(String eventType) {
    counter(ACKS, "Deliveries acknowledged", EVENT_TYPE_TAG, eventType(eventType)).increment();
  }

  public void duplicate(String eventType) {
    String description = "Events already in the inbox, acknowledged without effect";
    counter(DUPLICATES, description, EVENT_TYPE_TAG, eventType(eventType)).increment();
  }

  /** {@code tier} is the retry queue's delay label, e.g. {@code 5s}. */
  public void retried(String eventType, String tier) {
    String label = tier != null && TIER.matcher(tier).matches() ? tier : UNKNOWN;
    counter(
            RETRIES,
            "Events sent to a retry queue",
            EVENT_TYPE_TAG,
            eventType(eventType),
            "tier",
            label)
        .increment();
  }

  public void deadLettered(String eventType, String reason) {
    counter(
            DEAD_LETTERS,
            "Events sent to the dead-letter queue",
            EVENT_TYPE_TAG,
            eventType(eventType),
            "reason",
            reason != null && REASONS.contains(reason) ? reason : UNKNOWN)
        .increment();
  }

  public void handlerTime(String eventType, Duration duration) {
    timer(HANDLER_TIME, "Time spent in the handler's transaction", HANDLER_BUCKETS, eventType)
        .record(duration);
  }

  /** Now minus the event's timestamp, recorded when the event is applied. */
  public void endToEndLatency(String eventType, Duration latency) {
    // Clock skew between hosts can make this negative; a histogram cannot hold that.
    timer(
            END_TO_END_LATENCY,
            "Time from the event's timestamp until it was applied",
            LATENCY_BUCKETS,
            eventType)
        .record(latency.isNegative() ? Duration.ZERO : latency);
  }

  public void inFlight(Supplier<Number> count) {
    inFlight.set(Objects.requireNonNull(count, "count"));
  }

  public void outboxBacklog(Supplier<Number> rows) {
    outboxBacklog.set(Objects.requireNonNull(rows, "rows"));
  }

  public void outboxMarkFailures(Supplier<Number> count) {
    outboxMarkFailures.set(Objects.requireNonNull(count, "count"));
  }

  /** 0 closed, 1 open, 2 half-open. */
  public void breakerState(Supplier<Number> state) {
    breakerState.set(Objects.requireNonNull(state, "state"));
  }

  /**
   * Sum of the counters (or timers' event counts) named {@code name} whose labels include every
   * given key/value pair ({@code tags} alternate keys and values); 0 when none matches.
   */
  public double count(String name, String... tags) {
    double total = 0;
    for (Meter meter : registry.find(name).tags(tags).meters()) {
      if (meter instanceof Counter counter) {
        total += counter.count();
      } else if (meter instanceof Timer timer) {
        total += timer.count();
      }
    }
    return total;
  }

  /** Current value of a gauge such as {@link #IN_FLIGHT}, or NaN if there is none. */
  public double gaugeValue(String name) {
    Gauge gauge = registry.find(name).gauge();
    return gauge == null ? Double.NaN : gauge.value();
  }

  /** The Prometheus text exposition (format 0.0.4) of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  private static String eventType(String value) {
    return value != null && EVENT_TYPES.contains(value) ? value : UNKNOWN;
  }

  private Counter counter(String name, String description, String... tags) {
    return counters.computeIfAbsent(
        name + String.join(",", tags),
        key -> Counter.builder(name).description(description).tags(tags).register(registry));
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
      Gauge.builder(name + ".percentile", timer, t -> percentileSeconds(t, percentile))
          .description(description + ", percentile over the last minutes")
          .baseUnit("seconds")
          .tags(EVENT_TYPE_TAG, type, "quantile", Double.toString(percentile))
          .strongReference(true)
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

  private void gauge(String name, String description, AtomicReference<Supplier<Number>> source) {
    Gauge.builder(name, source, ConsumerMetrics::sample)
        .description(description)
        .strongReference(true)
        .register(registry);
  }

  private static double sample(AtomicReference<Supplier<Number>> source) {
    try {
      Number value = source.get().get();
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
