package orderflow.consume;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import orderflow.envelope.EventType;

/**
 * What a consumer service is: its name (its inbox, its dead letters' {@code x-consumer}, its
 * threads and metrics, its schema in {@code db/migration/<dialect>/<name>/} beside the runtime's
 * inbox and outbox), its work queue (the base name, see {@link orderflow.topology.Topology}), a
 * handler per event type it accepts, the definitions it runs beside itself on the same database and
 * outbox publisher (e.g. inventory's legacy {@code order_events} bridge, whose inbox rows are the
 * runtime's), and the work queue whose retry and dead-letter queues take its failures (its own,
 * unless it consumes a queue that has none). An event of another type on its queue is a permanent
 * failure. How it runs is {@link orderflow.consume.engine.ConsumerSettings}.
 */
public record ServiceDefinition(
    String name,
    String workQueue,
    Map<EventType, EventHandler> handlers,
    List<ServiceDefinition> ingresses,
    String failureQueue) {
  public ServiceDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(workQueue, "workQueue");
    Objects.requireNonNull(failureQueue, "failureQueue");
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
