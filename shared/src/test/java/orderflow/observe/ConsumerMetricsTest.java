package orderflow.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConsumerMetricsTest {
  private final ConsumerMetrics metrics = ConsumerMetrics.create("inventory");

  @Test
  void countsEachOutcomeByEventType() {
    metrics.delivered("OrderCreated");
    metrics.delivered("OrderCreated");
    metrics.delivered("InventoryReserved");
    metrics.acked("OrderCreated");
    metrics.duplicate("OrderCreated");

    assertEquals(3, count(ConsumerMetrics.DELIVERIES));
    assertEquals(2, count(ConsumerMetrics.DELIVERIES, "event_type", "OrderCreated"));
    assertEquals(1, count(ConsumerMetrics.ACKS, "consumer", "inventory"));
    assertEquals(1, count(ConsumerMetrics.DUPLICATES));
    assertEquals(0, count(ConsumerMetrics.DUPLICATES, "event_type", "OrderShipped"));
  }

  @Test
  void labelsRetriesByTierAndDeadLettersByReason() {
    metrics.retried("OrderCreated", "1s");
    metrics.retried("OrderCreated", "5s");
    metrics.retried("OrderCreated", "5s");
    metrics.deadLettered("OrderCreated", "retries-exhausted");
    metrics.deadLettered(null, "invalid-event");

    assertEquals(2, count(ConsumerMetrics.RETRIES, "tier", "5s"));
    assertEquals(1, count(ConsumerMetrics.DEAD_LETTERS, "reason", "invalid-event"));
    assertEquals(1, count(ConsumerMetrics.DEAD_LETTERS, "event_type", "unknown"));
    String text = metrics.scrape();
    assertTrue(
        text.contains(
            "orderflow_retries_total{consumer=\"inventory\",event_type=\"OrderCreated\",tier=\"5s\"} 2"),
        text);
    assertTrue(
        text.contains(
            "orderflow_dead_letters_total{consumer=\"inventory\",event_type=\"OrderCreated\","
                + "reason=\"retries-exhausted\"} 1"),
        text);
  }

  @Test
  void exposesHandlerTimeAndLatencyAsHistogramsWithPercentiles() {
    metrics.handlerTime("OrderCreated", Duration.ofMillis(30));
    metrics.endToEndLatency("OrderCreated", Duration.ofMillis(700));
    metrics.endToEndLatency("OrderCreated", Duration.ofMillis(-5));

    assertEquals(1, count(ConsumerMetrics.HANDLER_TIME));
    assertEquals(2, count(ConsumerMetrics.END_TO_END_LATENCY));
    String text = metrics.scrape();
    assertTrue(text.contains("# TYPE orderflow_handler_seconds histogram"), text);
    assertTrue(
        text.contains(
            "orderflow_handler_seconds_bucket{consumer=\"inventory\",event_type=\"OrderCreated\","
                + "le=\"0.05\"} 1"),
        text);
    assertTrue(
        text.contains(
            "orderflow_end_to_end_latency_seconds_bucket{consumer=\"inventory\","
                + "event_type=\"OrderCreated\",le=\"1.0\"} 2"),
        text);
    double p99 =
        metrics
            .registry()
            .get(ConsumerMetrics.HANDLER_TIME + ".percentile")
            .tag("quantile", "0.99")
            .gauge()
            .value();
    assertEquals(0.03, p99, 0.003, "handler p99 in seconds");
    for (String quantile : new String[] {"0.5", "0.95", "0.99"}) {
      assertTrue(
          text.contains(
              "orderflow_handler_percentile_seconds{consumer=\"inventory\","
                  + "event_type=\"OrderCreated\",quantile=\""
                  + quantile
                  + "\"}"),
          "p" + quantile + " in " + text);
      assertTrue(
          text.contains(
              "orderflow_end_to_end_latency_percentile_seconds{consumer=\"inventory\","
                  + "event_type=\"OrderCreated\",quantile=\""
                  + quantile
                  + "\"}"),
          "p" + quantile + " in " + text);
    }
  }

  @Test
  void gaugesReadTheLatestSourceAtScrapeTime() {
    AtomicInteger inFlight = new AtomicInteger(3);
    metrics.gauge(ConsumerMetrics.IN_FLIGHT, inFlight::get);
    metrics.gauge(ConsumerMetrics.OUTBOX_BACKLOG, () -> 12);
    metrics.gauge(
        ConsumerMetrics.BREAKER_STATE,
        () -> {
          throw new IllegalStateException("breaker gone");
        });

    inFlight.set(4);

    assertEquals(4, gaugeValue(ConsumerMetrics.IN_FLIGHT));
    assertEquals(12, gaugeValue(ConsumerMetrics.OUTBOX_BACKLOG));
    assertTrue(Double.isNaN(gaugeValue(ConsumerMetrics.BREAKER_STATE)));
    assertTrue(metrics.scrape().contains("orderflow_in_flight{consumer=\"inventory\"} 4"));
  }

  @Test
  void sharesItsRegistryWithOtherCollectors() {
    metrics.registry().counter("rabbitmq.published").increment(5);

    assertEquals(5, count("rabbitmq.published"));
    assertTrue(metrics.scrape().contains("rabbitmq_published_total{consumer=\"inventory\"} 5"));
    assertTrue(metrics.scrape().contains("jvm_memory_used_bytes"));
  }

  @Test
  void labelsFedByMessagesStayInAClosedSetHoweverManyDistinctValuesArrive() {
    int seriesBefore = metrics.registry().getMeters().size();

    for (int i = 0; i < 3_000; i++) {
      String forged = "Forged" + i;
      metrics.delivered(forged);
      metrics.acked(forged);
      metrics.duplicate(forged);
      metrics.retried(forged, "tier-" + i);
      metrics.deadLettered(forged, "reason-" + i);
      metrics.handlerTime(forged, Duration.ofMillis(1));
      metrics.endToEndLatency(forged, Duration.ofMillis(1));
    }
    metrics.delivered("OrderCreated");
    metrics.deadLettered("OrderCreated", "invalid-event");

    assertEquals(3_000, count(ConsumerMetrics.DELIVERIES, "event_type", "unknown"));
    assertEquals(1, count(ConsumerMetrics.DELIVERIES, "event_type", "OrderCreated"));
    assertEquals(3_000, count(ConsumerMetrics.DEAD_LETTERS, "reason", "unknown"));
    assertEquals(1, count(ConsumerMetrics.DEAD_LETTERS, "reason", "invalid-event"));
    assertEquals(3_000, count(ConsumerMetrics.RETRIES, "tier", "unknown"));
    int added = metrics.registry().getMeters().size() - seriesBefore;
    assertTrue(added <= 20, added + " new meters for 3,000 forged types");
    assertFalse(metrics.scrape().contains("Forged"));
  }

  /** Sum of the counters (or timers' counts) named {@code name} with every given tag pair. */
  private double count(String name, String... tags) {
    double total = 0;
    for (Meter meter : metrics.registry().find(name).tags(tags).meters()) {
      if (meter instanceof Counter counter) {
        total += counter.count();
      } else if (meter instanceof Timer timer) {
        total += timer.count();
      }
    }
    return total;
  }

  private double gaugeValue(String name) {
    Gauge gauge = metrics.registry().find(name).gauge();
    return gauge == null ? Double.NaN : gauge.value();
  }
}
