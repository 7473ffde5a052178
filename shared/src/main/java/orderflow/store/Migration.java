package orderflow.store;

import java.util.List;

/**
 * One versioned schema step of a component. Statements may use {@code ${AUTO_ID}} (an
 * auto-incremented 64-bit primary key), {@code ${BLOB}} (bytes); timestamps are stored as epoch
 * milliseconds in BIGINT columns.
 */
public record Migration(int version, String description, List<String> statements) {
  public Migration {
    if (version <= 0) {
      throw new IllegalArgumentException("version must be positive");
    }
    statements = List.copyOf(statements);
  }
}
