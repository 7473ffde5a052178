package orderflow.topology;

public record BindingSpec(String exchange, String queue, String routingKey) {}
