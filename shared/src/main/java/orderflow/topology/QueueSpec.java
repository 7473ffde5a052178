package orderflow.topology;

import java.util.Map;

/** A queue to declare, with exactly these flags and arguments. */
public record QueueSpec(String name, boolean durable, Map<String, Object> arguments) {
  public QueueSpec {
    arguments = Map.copyOf(arguments);
  }
}
