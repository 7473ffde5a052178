package orderflow.inventory;

import java.sql.Connection;
import java.sql.SQLException;
import orderflow.store.Database;

/**
 * Runs one short transaction of an admin command ({@code stock set}) against the service's database
 * (created and migrated if needed), committing on success. Commands that only read go through
 * {@link orderflow.cli.QueryDatabase} instead. Safe while the service runs: SQLite queues for the
 * write lock, PostgreSQL uses row locks.
 */
final class InventoryDatabase {
  private InventoryDatabase() {}

  /** Work done on one connection inside one transaction. */
  @FunctionalInterface
  interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  static <T> T inTransaction(String jdbcUrl, Work<T> work) throws SQLException {
    try (Database database = Database.open(jdbcUrl)) {
      database.migrate(InventoryService.NAME);
      try (Connection connection = database.open()) {
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
