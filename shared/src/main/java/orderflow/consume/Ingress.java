package orderflow.consume;

import com.rabbitmq.client.Connection;
import java.util.List;
import orderflow.topology.QueueSpec;
import orderflow.topology.Topology;
import orderflow.trace.Tracing;

/**
 * An extra consumer a service runs beside its work queue (e.g. inventory's legacy {@code
 * order_events} bridge). Started after the topology is declared; closed on shutdown before the main
 * consumer drains.
 */
public interface Ingress {
  /**
   * Starts consuming on {@code connection}; the returned handle stops it. What it publishes is
   * traced with the process's {@code tracing}.
   */
  AutoCloseable start(Connection connection, Topology topology, Tracing tracing) throws Exception;

  /** The queues it consumes, checked at start when the service does not declare the topology. */
  default List<QueueSpec> queues(Topology topology) {
    return List.of();
  }
}
