package orderflow.observe;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * STUB: to be implemented over Micrometer. The consumer runtime's meters, labelled with the
 * consumer name. This class is thread-safe.
 */
public final class ConsumerMetrics {
  /** Meters registered in a new Prometheus registry. */
  public static ConsumerMetrics create(String consumer) {
    throw new UnsupportedOperationException();
  }

  public void delivered(String eventType) {}

  public void acked(String eventType) {}

  public void duplicate(String eventType) {}

  /**
   * @param tier the retry queue's delay label, e.g. {@code 5s}
   */
  public void retried(String eventType, String tier) {}

  public void deadLettered(String eventType, String reason) {}

  public void handlerTime(String eventType, Duration duration) {}

  /** Now minus the event's timestamp, recorded when the event is applied. */
  public void endToEndLatency(String eventType, Duration latency) {}

  public void inFlight(Supplier<Number> count) {}

  public void outboxBacklog(Supplier<Number> rows) {}

  /** 0 closed, 1 open, 2 half-open. */
  public void breakerState(Supplier<Number> state) {}

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    throw new UnsupportedOperationException();
  }
}
