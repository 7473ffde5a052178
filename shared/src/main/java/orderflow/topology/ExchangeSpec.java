package orderflow.topology;

import java.util.Objects;

/** A durable exchange to declare. */
public record ExchangeSpec(String name, String type) {
  public ExchangeSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }
}
