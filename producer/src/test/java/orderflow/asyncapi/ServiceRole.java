package orderflow.asyncapi;

import java.util.List;
import java.util.Objects;
import orderflow.envelope.EventType;

/**
 * What one program does on the broker: the work queue it consumes (null for a program that only
 * publishes), the events it publishes to the orders exchange, and whether it reads the legacy queue
 * or writes to it.
 */
record ServiceRole(
    String id, String description, String workQueue, List<EventType> publishes, LegacyRole legacy) {

  enum LegacyRole {
    NONE,
    SENDS,
    RECEIVES
  }

  ServiceRole {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(description, "description");
    publishes = List.copyOf(publishes);
    Objects.requireNonNull(legacy, "legacy");
  }
}
