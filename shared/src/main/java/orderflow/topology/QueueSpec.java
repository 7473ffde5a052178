package orderflow.topology;

import java.util.Map;
import java.util.Objects;

/** A queue to declare, with exactly these flags and arguments. */
public record QueueSpec(String name, boolean durable, Map<String, Object> arguments) {
  public QueueSpec {
    Objects.requireNonNull(name, "name");
    arguments = Map.copyOf(arguments);
  }
}
