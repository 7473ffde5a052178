package orderflow.topology;

import java.util.List;
import java.util.stream.Collectors;

/** Resources a {@code --no-declare} process needs are not on the broker; says what to run. */
public final class MissingTopologyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MissingTopologyException(List<Difference> absent) {
    super(
        "the topology is not ready: "
            + absent.stream().map(Difference::describe).collect(Collectors.joining("; "))
            + " (run `producer topology declare` with an account allowed to configure them, or"
            + " start without --no-declare)");
  }
}
