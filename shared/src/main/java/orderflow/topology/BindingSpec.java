package orderflow.topology;

/** A binding of a queue to an exchange with one routing key. */
public record BindingSpec(String exchange, String queue, String routingKey) {}
