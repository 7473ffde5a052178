package orderflow.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadinessChecksTest {
  @Test
  void joinsTheComponentsOfEveryCheckIncludingOnesAddedLater() {
    ReadinessChecks checks = new ReadinessChecks(() -> Map.of("connection", "ok"));
    checks.add(() -> Map.of("legacy-bridge", "not consuming"));

    assertEquals(Map.of("connection", "ok", "legacy-bridge", "not consuming"), checks.components());
  }

  @Test
  void aComponentNamedTwiceKeepsTheStateThatIsNotOk() {
    ReadinessChecks checks =
        new ReadinessChecks(() -> Map.of("connection", "ok"), () -> Map.of("connection", "closed"));

    assertEquals(Map.of("connection", "closed"), checks.components());
  }
}
