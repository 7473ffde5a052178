package orderflow.consume.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownWatchdogTest {
  @Test
  void haltsWhenTheDrainOutlastsTheLimit() throws InterruptedException {
    CountDownLatch halted = new CountDownLatch(1);

    ServiceMain.armWatchdog("test", Duration.ofMillis(50), halted::countDown);

    assertTrue(halted.await(5, TimeUnit.SECONDS));
  }

  @Test
  void staysQuietWhenDisarmedInTime() throws InterruptedException {
    CountDownLatch halted = new CountDownLatch(1);

    Thread watchdog = ServiceMain.armWatchdog("test", Duration.ofMillis(300), halted::countDown);
    watchdog.interrupt();
    watchdog.join(5_000);

    assertFalse(watchdog.isAlive());
    assertEquals(1, halted.getCount());
  }

  @Test
  void limitCoversBothDrainStepsAndAMargin() {
    assertEquals(Duration.ofSeconds(90), ServiceMain.watchdogLimit(Duration.ofSeconds(30)));
  }
}
