package orderflow.store;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * One versioned schema step of a component. Statements may use {@code ${AUTO_ID}} (an
 * auto-incremented 64-bit primary key), {@code ${BLOB}} (bytes); timestamps are stored as epoch
 * milliseconds in BIGINT columns. Once applied, a migration must not change: its {@link
 * #checksum()} is recorded and compared at every start.
 */
public record Migration(int version, String description, List<String> statements) {
  public Migration {
    if (version <= 0) {
      throw new IllegalArgumentException("version must be positive");
    }
    statements = List.copyOf(statements);
  }

  /** CRC-32 of the statements as written (before placeholders are expanded), as Flyway keeps it. */
  public int checksum() {
    CRC32 crc = new CRC32();
    for (String statement : statements) {
      crc.update(statement.getBytes(StandardCharsets.UTF_8));
      crc.update('\n');
    }
    return (int) crc.getValue();
  }
}
