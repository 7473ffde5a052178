package orderflow.consume;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import orderflow.envelope.EventType;
import orderflow.store.Migration;

/**
 * What a consumer service is: its name (its inbox, its dead letters' {@code x-consumer}, its
 * threads and metrics), its work queue (the base name, see {@link orderflow.topology.Topology}),
 * its schema, a handler per event type it accepts, and any extra ingress consumers. An event of
 * another type on its queue is a permanent failure. How it runs is {@link
 * orderflow.consume.engine.ConsumerSettings}.
 */
public record ServiceDefinition(
    String name,
    String workQueue,
    List<Migration> migrations,
    Map<EventType, EventHandler> handlers,
    List<Ingress> ingresses) {
  public ServiceDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(workQueue, "workQueue");
    migrations = List.copyOf(migrations);
    handlers = Map.copyOf(handlers);
    ingresses = List.copyOf(ingresses);
    if (handlers.isEmpty()) {
      throw new IllegalArgumentException("a service needs at least one handler");
    }
  }
}
