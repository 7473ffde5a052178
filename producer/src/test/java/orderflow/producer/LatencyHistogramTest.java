package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void percentilesAreWithinThreePercentOfTheTrueValue() {
    LatencyHistogram histogram = new LatencyHistogram();
    for (int millis = 1; millis <= 1000; millis++) {
      histogram.recordNanos(millis * 1_000_000L);
    }

    assertEquals(1000, histogram.count());
    assertWithin(500, histogram.percentileMillis(50));
    assertWithin(950, histogram.percentileMillis(95));
    assertWithin(990, histogram.percentileMillis(99));
  }

  @Test
  void smallValuesAreExactAndNoSamplesGiveZero() {
    LatencyHistogram histogram = new LatencyHistogram();
    assertEquals(0, histogram.percentileMillis(50));

    histogram.recordNanos(7_000);

    assertEquals(0.007, histogram.percentileMillis(99), 1e-9);
  }

  @Test
  void bucketsNeverOverlap() {
    for (long micros = 0; micros < 1_000_000; micros++) {
      int index = LatencyHistogram.index(micros);
      assertTrue(micros <= LatencyHistogram.upperBoundMicros(index), "micros " + micros);
      assertTrue(index == 0 || micros > LatencyHistogram.upperBoundMicros(index - 1));
    }
  }

  private static void assertWithin(double expected, double actual) {
    assertTrue(Math.abs(actual - expected) <= expected * 0.03, expected + " vs " + actual);
  }
}
