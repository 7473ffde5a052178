package orderflow.consume.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private Instant now = Instant.parse("2026-11-23T10:00:00Z");
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };

  @Test
  void opensAfterTheThresholdOfFailuresInARow() {
    CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(10), clock);
    assertFalse(breaker.recordFailure());
    assertFalse(breaker.recordFailure());
    assertTrue(breaker.recordFailure());
    assertEquals(CircuitBreaker.State.OPEN, breaker.state());
  }

  @Test
  void aSuccessResetsTheCount() {
    CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(10), clock);
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    assertFalse(breaker.recordFailure());
    assertFalse(breaker.recordFailure());
    assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
  }

  @Test
  void probesOnlyAfterTheResetTimeoutAndClosesOnSuccess() {
    CircuitBreaker breaker = new CircuitBreaker(1, Duration.ofSeconds(10), clock);
    breaker.recordFailure();
    assertFalse(breaker.tryHalfOpen());
    assertEquals(Duration.ofSeconds(10), breaker.untilProbe());
    now = now.plusSeconds(10);
    assertTrue(breaker.tryHalfOpen());
    assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state());
    breaker.recordSuccess();
    assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
  }

  @Test
  void aFailedProbeOpensAgainForAnotherTimeout() {
    CircuitBreaker breaker = new CircuitBreaker(5, Duration.ofSeconds(10), clock);
    for (int i = 0; i < 5; i++) {
      breaker.recordFailure();
    }
    now = now.plusSeconds(11);
    assertTrue(breaker.tryHalfOpen());
    assertTrue(breaker.recordFailure());
    assertEquals(CircuitBreaker.State.OPEN, breaker.state());
    assertEquals(Duration.ofSeconds(10), breaker.untilProbe());
  }

  @Test
  void aSuccessWhileOpenDoesNotCloseItOnlyTheProbeDoes() {
    CircuitBreaker breaker = new CircuitBreaker(1, Duration.ofSeconds(10), clock);
    assertTrue(breaker.recordFailure());
    breaker.recordSuccess(); // a later delivery of the batch that opened it
    assertEquals(CircuitBreaker.State.OPEN, breaker.state());
    now = now.plusSeconds(10);
    assertTrue(breaker.tryHalfOpen());
    breaker.recordSuccess();
    assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
  }

  @Test
  void theHalfOpenProbeTakesOneDeliveryTheOtherStatesTheConfiguredPrefetch() {
    CircuitBreaker breaker = new CircuitBreaker(1, Duration.ofSeconds(10), clock);
    assertEquals(1000, breaker.limit(1000));
    assertTrue(breaker.recordFailure());
    now = now.plusSeconds(10);
    assertTrue(breaker.tryHalfOpen());
    assertEquals(1, breaker.limit(1000));
  }
}
