package orderflow.consume.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Stops consumption while the handler's dependency keeps failing. Closed: count transient failures
 * in a row; at the threshold, open. Open: nothing is processed until the reset timeout has passed;
 * then half-open: one delivery is the probe; success closes, failure opens again.
 *
 * <p>Used by the single consumer loop thread; state reads from other threads (health, metrics) see
 * a recent value.
 */
public final class CircuitBreaker {
  /** Breaker states; the gauge {@code orderflow.breaker.state} publishes the ordinal. */
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final int threshold;
  private final Duration resetTimeout;
  private final Clock clock;
  private volatile State state = State.CLOSED;
  private int failuresInRow;
  private Instant openedAt = Instant.MIN;

  public CircuitBreaker(int threshold, Duration resetTimeout, Clock clock) {
    this.threshold = threshold;
    this.resetTimeout = resetTimeout;
    this.clock = clock;
  }

  public State state() {
    return state;
  }

  /** Closes the breaker unless it is open: only a probe, after the reset timeout, closes that. */
  public void recordSuccess() {
    if (state != State.OPEN) {
      failuresInRow = 0;
      state = State.CLOSED;
    }
  }

  /** True if this failure opened the breaker. */
  public boolean recordFailure() {
    failuresInRow++;
    if (state == State.HALF_OPEN || (state == State.CLOSED && failuresInRow >= threshold)) {
      state = State.OPEN;
      openedAt = clock.instant();
      return true;
    }
    return false;
  }

  /** Time left before a probe is allowed; zero when closed or due. */
  public Duration untilProbe() {
    if (state != State.OPEN) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(clock.instant(), openedAt.plus(resetTimeout));
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** Deliveries at once (prefetch, batch): one, the probe, while half-open; else configured. */
  int limit(int configured) {
    return state == State.HALF_OPEN ? 1 : configured;
  }

  /** Moves an open breaker whose timeout has passed to half-open. */
  public boolean tryHalfOpen() {
    if (state == State.OPEN && untilProbe().isZero()) {
      state = State.HALF_OPEN;
      return true;
    }
    return false;
  }
}
