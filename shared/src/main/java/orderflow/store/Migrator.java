package orderflow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies versioned migrations, each in its own transaction, recording them in {@code
 * schema_migrations}. Concurrent migrators serialise: on PostgreSQL on a transaction-scoped
 * advisory lock per schema, on SQLite on the write lock every transaction takes up front; each then
 * re-checks whether the version was applied meanwhile.
 */
final class Migrator {
  private static final Logger log = LoggerFactory.getLogger(Migrator.class);
  private static final int ADVISORY_LOCK_CLASS = 0x6f66; // "of": orderflow

  private final Database database;

  Migrator(Database database) {
    this.database = database;
  }

  void apply(String component, List<Migration> migrations) throws SQLException {
    requireDistinctVersions(component, migrations);
    createMigrationsTable();
    List<Migration> ordered =
        migrations.stream().sorted(Comparator.comparingInt(Migration::version)).toList();
    for (Migration migration : ordered) {
      applyOne(component, migration);
    }
  }

  private void createMigrationsTable() throws SQLException {
    try (Connection connection = database.open()) {
      lock(connection);
      try (Statement statement = connection.createStatement()) {
        statement.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
                + " component VARCHAR(100) NOT NULL,"
                + " version INTEGER NOT NULL,"
                + " description VARCHAR(500) NOT NULL,"
                + " applied_at BIGINT NOT NULL,"
                + " PRIMARY KEY (component, version))");
      }
      connection.commit();
    }
  }

  private void applyOne(String component, Migration migration) throws SQLException {
    try (Connection connection = database.open()) {
      try {
        lock(connection);
        if (applied(connection, component, migration.version())) {
          connection.rollback();
          return;
        }
        try (Statement statement = connection.createStatement()) {
          for (String sql : migration.statements()) {
            statement.execute(expand(sql));
          }
        }
        record(connection, component, migration);
        connection.commit();
        log.info(
            "applied migration {} v{}: {}",
            component,
            migration.version(),
            migration.description());
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  private void lock(Connection connection) throws SQLException {
    if (database.dialect() != Dialect.POSTGRESQL) {
      return;
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))")) {
      statement.setInt(1, ADVISORY_LOCK_CLASS);
      statement.execute();
    }
  }

  private static boolean applied(Connection connection, String component, int version)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT 1 FROM schema_migrations WHERE component = ? AND version = ?")) {
      statement.setString(1, component);
      statement.setInt(2, version);
      try (ResultSet result = statement.executeQuery()) {
        return result.next();
      }
    }
  }

  private static void record(Connection connection, String component, Migration migration)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO schema_migrations (component, version, description, applied_at)"
                + " VALUES (?, ?, ?, ?)")) {
      statement.setString(1, component);
      statement.setInt(2, migration.version());
      statement.setString(3, migration.description());
      statement.setLong(4, System.currentTimeMillis());
      statement.executeUpdate();
    }
  }

  String expand(String sql) {
    boolean sqlite = database.dialect() == Dialect.SQLITE;
    return sql.replace(
            "${AUTO_ID}", sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY")
        .replace("${BLOB}", sqlite ? "BLOB" : "BYTEA");
  }

  private static void requireDistinctVersions(String component, List<Migration> migrations) {
    Set<Integer> seen = new HashSet<>();
    for (Migration migration : migrations) {
      if (!seen.add(migration.version())) {
        throw new IllegalArgumentException(
            "component " + component + " has two migrations with version " + migration.version());
      }
    }
  }
}
