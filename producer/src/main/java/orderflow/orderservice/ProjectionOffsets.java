package orderflow.orderservice;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import orderflow.store.Migration;

/**
 * Where each stream projection of a database resumes: the next offset it has not applied, written
 * in the transaction that applied the offsets before it, so the position and the changes are
 * committed together or not at all (docs/architecture.md section 4.1).
 *
 * <p>Stateless and thread-safe; each call uses only the caller's connection and transaction.
 */
final class ProjectionOffsets {
  static final String COMPONENT = "stream-projection";

  static List<Migration> migrations() {
    return List.of(
        new Migration(
            1,
            "the next stream offset of each projection",
            List.of(
                "CREATE TABLE stream_offsets ("
                    + " projection VARCHAR(100) PRIMARY KEY,"
                    + " next_offset BIGINT NOT NULL,"
                    + " updated_at BIGINT NOT NULL)")));
  }

  /** The next offset to apply; empty when the projection has applied nothing yet. */
  OptionalLong next(Connection connection, String projection) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT next_offset FROM stream_offsets WHERE projection = ?")) {
      select.setString(1, projection);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? OptionalLong.of(rows.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  void save(Connection connection, String projection, long nextOffset, Instant now)
      throws SQLException {
    try (PreparedStatement upsert =
        connection.prepareStatement(
            "INSERT INTO stream_offsets (projection, next_offset, updated_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (projection) DO UPDATE SET next_offset = excluded.next_offset,"
                + " updated_at = excluded.updated_at")) {
      upsert.setString(1, projection);
      upsert.setLong(2, nextOffset);
      upsert.setLong(3, now.toEpochMilli());
      upsert.executeUpdate();
    }
  }
}
