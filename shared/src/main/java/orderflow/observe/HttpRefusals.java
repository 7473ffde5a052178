package orderflow.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests the HTTP server refused without serving them (busy, too slow, malformed, too large):
 * counted in {@code orderflow_http_refused_total{reason}} and logged at most once a second with the
 * number refused since the last line, so a flood of bad requests cannot flood the log.
 *
 * <p>Thread-safe.
 */
final class HttpRefusals {
  static final String METER = "orderflow.http.refused";
  private static final Logger LOG = LoggerFactory.getLogger(HttpRefusals.class);
  private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

  private final MeterRegistry registry;
  private final LongSupplier nanoTime;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final AtomicLong nextLogAt;
  private final AtomicLong unlogged = new AtomicLong();

  HttpRefusals(MeterRegistry registry, LongSupplier nanoTime) {
    this.registry = registry;
    this.nanoTime = nanoTime;
    this.nextLogAt = new AtomicLong(nanoTime.getAsLong());
  }

  /**
   * @param reason a fixed word: {@code busy}, {@code timeout}, {@code malformed}, {@code too-large}
   * @param detail what happened; text from the request in it must already be escaped
   */
  void refused(String reason, String detail) {
    counters
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder(METER)
                    .description("HTTP requests refused without being served, by reason")
                    .tag("reason", r)
                    .register(registry))
        .increment();
    unlogged.incrementAndGet();
    long now = nanoTime.getAsLong();
    long due = nextLogAt.get();
    if (now - due >= 0 && nextLogAt.compareAndSet(due, now + LOG_INTERVAL_NANOS)) {
      LOG.warn(
          "HTTP: refused {} request(s) since the last such line; latest: {} ({})",
          unlogged.getAndSet(0),
          reason,
          detail);
    }
  }
}
