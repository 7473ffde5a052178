package orderflow.observe;

import java.util.Map;

/** What keeps a service from being ready. */
@FunctionalInterface
public interface ReadinessCheck {
  /** Each component's state by name (connection, channel, database, ...); ready if all "ok". */
  Map<String, String> components();
}
