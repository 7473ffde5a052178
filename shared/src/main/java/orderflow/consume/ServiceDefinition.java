package orderflow.consume;

import java.util.List;
import java.util.Map;
import orderflow.envelope.EventType;

/**
 * What a consumer service is: its name (inbox, {@code x-consumer}, threads, metrics, schema), its
 * work queue's base name, a handler per event type (any other type is a permanent failure), the
 * definitions it runs beside itself on the same database and publisher (inventory's legacy bridge),
 * and the work queue whose retry and dead-letter queues take its failures.
 */
public record ServiceDefinition(
    String name,
    String workQueue,
    Map<EventType, EventHandler> handlers,
    List<ServiceDefinition> ingresses,
    String failureQueue) {
  public ServiceDefinition {
    handlers = Map.copyOf(handlers);
    ingresses = List.copyOf(ingresses);
    if (handlers.isEmpty()) {
      throw new IllegalArgumentException("a service needs at least one handler");
    }
  }

  /** A service whose failures go to its own work queue's retry and dead-letter queues. */
  public ServiceDefinition(
      String name,
      String workQueue,
      Map<EventType, EventHandler> handlers,
      List<ServiceDefinition> ingresses) {
    this(name, workQueue, handlers, ingresses, workQueue);
  }
}
