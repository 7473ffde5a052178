package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Usage errors and help of the drivers, all found before connecting. */
class DriversTest {
  @Test
  void loadAndSagaHaveHelpAndVersion() {
    for (String command : new String[] {"load", "saga"}) {
      DriverRun.Result help = DriverRun.run(command, "--help");
      DriverRun.Result version = DriverRun.run(command, "--version");

      assertEquals(0, help.exitCode(), help.toString());
      assertTrue(help.out().contains("--count"), help.toString());
      assertEquals(0, version.exitCode(), version.toString());
      assertTrue(version.out().startsWith("producer "), version.toString());
    }
  }

  @Test
  void loadWithoutCountIsAUsageError() {
    assertEquals(2, DriverRun.run("load").exitCode());
    assertUsageError("--count must be at least 1", "load", "--count", "0");
  }

  @Test
  void loadRefusesAProductTheConsumersWouldRefuse() {
    assertUsageError(
        "at most 128 characters", "load", "--count", "1", "--products", "p".repeat(129));
  }

  @Test
  void badUriSchemeIsAUsageErrorWithoutThePassword() {
    DriverRun.Result result =
        DriverRun.run("load", "--uri", "http://u:Sup3rSecret@h/", "--count", "1");

    assertEquals(2, result.exitCode(), result.toString());
    assertTrue(result.err().contains("amqp://"), result.toString());
    assertFalse(result.err().contains("Sup3rSecret"), result.toString());
  }

  @Test
  void helpAndVersionNeedNoBroker() {
    DriverRun.Result help = DriverRun.run("saga", "--help");
    DriverRun.Result version = DriverRun.run("saga", "--version");

    assertEquals(0, help.exitCode(), help.toString());
    assertTrue(help.out().contains("--count"), help.toString());
    assertTrue(help.out().contains("--metrics-url"), help.toString());
    assertEquals(0, version.exitCode(), version.toString());
    assertTrue(version.out().startsWith("producer "), version.toString());
  }

  @Test
  void aCountBelowOneIsAUsageError() {
    assertUsageError("--count must be at least 1", "saga", "--count", "0");
  }

  @Test
  void aMaxQuantityBelowOneIsAUsageError() {
    assertUsageError("--max-quantity must be at least 1", "saga", "--max-quantity", "0");
  }

  @Test
  void aNegativeRateIsAUsageError() {
    assertUsageError("--rate must not be negative", "saga", "--rate", "-1");
  }

  @Test
  void aCancelRateOutsideZeroToOneIsAUsageError() {
    assertUsageError("--cancel-rate must be between 0 and 1", "saga", "--cancel-rate", "1.5");
    assertUsageError("--cancel-rate must be between 0 and 1", "saga", "--cancel-rate", "-0.1");
  }

  @Test
  void anUnreadableTimeoutIsAUsageError() {
    DriverRun.Result run = DriverRun.run("saga", "--timeout", "soon");

    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains("--timeout"), run.toString());
  }

  @Test
  void aWarmupThatIsNotPositiveIsAUsageError() {
    DriverRun.Result run = DriverRun.run("saga", "--warmup", "0s");

    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains("--warmup"), run.toString());
  }

  private static void assertUsageError(String message, String... args) {
    // Checked before connecting: the broker given here does not exist.
    String[] withBroker = java.util.Arrays.copyOf(args, args.length + 2);
    withBroker[args.length] = "--uri";
    withBroker[args.length + 1] = "amqp://guest:guest@127.0.0.1:1/%2F";

    DriverRun.Result run = DriverRun.run(withBroker);

    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains(message), run.toString());
  }
}
