package orderflow.inventory;

import java.sql.Connection;
import java.sql.SQLException;
import orderflow.store.Database;
import orderflow.store.Dialect;

/**
 * Runs one short transaction of a query or admin command against the service's database (created
 * and migrated if needed), committing on success. Safe while the service runs: SQLite queues for
 * the write lock, PostgreSQL uses row locks.
 */
final class InventoryDatabase {
  private InventoryDatabase() {}

  /** Work done on one connection inside one transaction. */
  @FunctionalInterface
  interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  /**
   * Like {@link #inTransaction}, for commands that only read: a SQLite file that does not exist is
   * an error ({@link Database#requireExisting}).
   *
   * @throws IllegalStateException naming the missing file
   */
  static <T> T read(String jdbcUrl, boolean snapshot, Work<T> work) throws SQLException {
    Database.requireExisting(jdbcUrl);
    return inTransaction(jdbcUrl, snapshot, work);
  }

  /**
   * @param snapshot read everything from one snapshot (PostgreSQL REPEATABLE READ; a SQLite
   *     transaction always is one)
   */
  static <T> T inTransaction(String jdbcUrl, boolean snapshot, Work<T> work) throws SQLException {
    try (Database database = Database.open(jdbcUrl)) {
      database.migrate(InventoryService.NAME, InventorySchema.migrations());
      try (Connection connection = database.open()) {
        if (snapshot && database.dialect() == Dialect.POSTGRESQL) {
          connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
        try {
          T result = work.apply(connection);
          connection.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          connection.rollback();
          throw e;
        }
      }
    }
  }
}
