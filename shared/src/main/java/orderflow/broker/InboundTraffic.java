package orderflow.broker;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When the broker was last heard from on one connection, across its recoveries: any frame counts,
 * heartbeats included. The broker sends a heartbeat when it has sent nothing for half the
 * negotiated interval, so a healthy connection is never silent for a whole interval.
 *
 * <p>Thread-safe: the connection's reader thread records, any thread asks.
 */
final class InboundTraffic {
  private final LongSupplier nanoClock;
  private volatile long lastFrameNanos;

  InboundTraffic() {
    this(System::nanoTime);
  }

  InboundTraffic(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.lastFrameNanos = nanoClock.getAsLong();
  }

  /** Called for every frame read from the broker. */
  void frameArrived() {
    lastFrameNanos = nanoClock.getAsLong();
  }

  /** Time since the last frame from the broker (or since this was created, before any). */
  Duration silence() {
    return Duration.ofNanos(nanoClock.getAsLong() - lastFrameNanos);
  }
}
