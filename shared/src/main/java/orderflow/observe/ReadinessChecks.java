package orderflow.observe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Several {@link ReadinessCheck}s as one, ready when every component is "ok". Checks may be added
 * while the server answers (an ingress starts after it). Thread-safe.
 */
public final class ReadinessChecks implements ReadinessCheck {
  private final List<ReadinessCheck> checks = new CopyOnWriteArrayList<>();

  public ReadinessChecks(ReadinessCheck... checks) {
    this.checks.addAll(List.of(checks));
  }

  public void add(ReadinessCheck check) {
    checks.add(check);
  }

  /** Every check's components; a name that two checks use keeps the first state that is not ok. */
  @Override
  public Map<String, String> components() {
    Map<String, String> components = new LinkedHashMap<>();
    for (ReadinessCheck check : checks) {
      check
          .components()
          .forEach(
              (name, state) ->
                  components.merge(
                      name, state, (first, second) -> first.equals("ok") ? second : first));
    }
    return components;
  }
}
