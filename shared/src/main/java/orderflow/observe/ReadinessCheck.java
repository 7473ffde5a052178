package orderflow.observe;

import java.util.Map;

/** What keeps a service from being ready. */
@FunctionalInterface
public interface ReadinessCheck {
  /**
   * Each component's state: the consumer's {@code connection}, {@code heartbeat}, {@code channel},
   * {@code consumer}, {@code database}, {@code breaker}, {@code draining}; the outbox publisher's
   * {@code outbox publisher}, {@code publisher connection}, {@code publisher heartbeat}; and those
   * of the service's ingresses (e.g. {@code inventory-legacy-bridge}). The service is ready when
   * every value is "ok".
   */
  Map<String, String> components();
}
