package orderflow.topology;

/** A durable exchange to declare. */
public record ExchangeSpec(String name, String type) {}
