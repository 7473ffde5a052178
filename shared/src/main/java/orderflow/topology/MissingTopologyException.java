package orderflow.topology;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Resources a process needs are not on the broker, and it was told not to declare them ({@code
 * --no-declare}). The message names each one and says what to run.
 *
 * <p>Immutable and thread-safe.
 */
public final class MissingTopologyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Difference> absent;

  public MissingTopologyException(List<Difference> absent) {
    super(
        "the topology is not ready: "
            + absent.stream().map(Difference::describe).collect(Collectors.joining("; "))
            + " (run `producer topology declare` with an account allowed to configure them, or"
            + " start without --no-declare)");
    this.absent = List.copyOf(absent);
  }

  /** Each missing or unusable resource. */
  public List<Difference> absent() {
    return absent;
  }
}
