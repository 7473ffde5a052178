package orderflow.contract;

import java.util.Objects;

/**
 * One message for a validator: its name (unique in a batch), the {@code $id} of the schema to check
 * it against, its bytes, and whether the contract says it is valid.
 */
record ContractCase(String name, String schemaId, byte[] body, boolean valid) {
  ContractCase {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schemaId, "schemaId");
    Objects.requireNonNull(body, "body");
  }

  static ContractCase valid(String name, EventSchema schema, byte[] body) {
    return new ContractCase(name, schema.id(), body, true);
  }

  static ContractCase refused(String name, EventSchema schema, byte[] body) {
    return new ContractCase(name, schema.id(), body, false);
  }

  @Override
  public String toString() {
    return name;
  }
}
