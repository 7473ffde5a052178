package orderflow.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConnectionSilenceTest {
  @Test
  void aConnectionHeardFromWithinItsHeartbeatIsOk() {
    assertEquals("ok", ConnectionSilence.state(Duration.ofSeconds(4), 10));
    assertEquals("ok", ConnectionSilence.state(Duration.ofSeconds(10), 10));
  }

  @Test
  void aConnectionSilentPastItsHeartbeatSaysForHowLong() {
    assertEquals(
        "no frame from the broker for 12 s, past the 10 s heartbeat",
        ConnectionSilence.state(Duration.ofMillis(12_400), 10));
  }

  @Test
  void withoutHeartbeatsSilenceMeansNothing() {
    assertEquals("ok", ConnectionSilence.state(Duration.ofMinutes(5), 0));
  }

  @Test
  void everyFrameRestartsTheSilence() {
    AtomicLong nanos = new AtomicLong(1_000);
    InboundTraffic traffic = new InboundTraffic(nanos::get);

    nanos.addAndGet(Duration.ofSeconds(7).toNanos());
    assertEquals(Duration.ofSeconds(7), traffic.silence());

    traffic.frameArrived();
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    assertEquals(Duration.ofSeconds(2), traffic.silence());
  }
}
