package orderflow.topology;

import java.util.Objects;

/** A binding of a queue to an exchange with one routing key. */
public record BindingSpec(String exchange, String queue, String routingKey) {
  public BindingSpec {
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(routingKey, "routingKey");
  }
}
