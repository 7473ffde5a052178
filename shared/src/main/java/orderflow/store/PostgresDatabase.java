package orderflow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * A PostgreSQL database, shared by any number of instances. {@link #open()} borrows from a small
 * pool ({@link PostgresPool}) whose sessions carry our idle, lock and statement timeouts.
 *
 * <p>This class is thread-safe.
 */
final class PostgresDatabase extends Database {
  /**
   * Serialization failure, deadlock, lock not available, and a server shutting down or starting;
   * any connection exception (class 08) too.
   */
  private static final Set<String> TRANSIENT_SQL_STATES =
      Set.of("40001", "40P01", "55P03", "57P01", "57P02", "57P03");

  /** First key of the migration lock ("of": orderflow); the second is the schema's hash. */
  private static final int MIGRATION_LOCK_CLASS = 0x6f66;

  private final PostgresPool pool;

  PostgresDatabase(String jdbcUrl) {
    super(jdbcUrl);
    this.pool = new PostgresPool(jdbcUrl, CONNECT_TIMEOUT_MS, "orderflow-postgres");
  }

  @Override
  public Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  public Connection open() throws SQLException {
    return pool.borrow();
  }

  @Override
  public Connection openUnsynced() throws SQLException {
    Connection connection = pool.borrow();
    try (Statement set = connection.createStatement()) {
      set.execute("SET LOCAL synchronous_commit TO OFF");
      return connection;
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  @Override
  public Connection openReadOnly() throws SQLException {
    Connection connection = connect(true, CONNECT_TIMEOUT_MS, new Properties());
    connection.setReadOnly(true);
    return connection;
  }

  /**
   * Under a session advisory lock per schema: Flyway's baseline of a new history table is not safe
   * between instances starting at once (the second finds the table empty and refuses).
   */
  @Override
  public void migrate(String component, List<Migration> migrations) throws SQLException {
    try (Connection lock = connect(true, CONNECT_TIMEOUT_MS, new Properties());
        Statement statement = lock.createStatement()) {
      statement.execute(
          "SELECT pg_advisory_lock(" + MIGRATION_LOCK_CLASS + ", hashtext(current_schema()))");
      // Released when this connection closes, whatever happens in between.
      super.migrate(component, migrations);
    }
  }

  /** Autovacuum reuses the space of deleted rows by itself. */
  @Override
  public void compact() {}

  @Override
  public long sizeBytes() throws SQLException {
    try (Connection connection = open();
        Statement statement = connection.createStatement();
        ResultSet size =
            statement.executeQuery(
                "SELECT pg_total_relation_size('inbox') + pg_total_relation_size('outbox')")) {
      size.next();
      return size.getLong(1);
    }
  }

  @Override
  public long rows(String table) throws SQLException {
    try (Connection connection = open();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(?)")) {
      statement.setString(1, runtimeTable(table));
      try (ResultSet estimate = statement.executeQuery()) {
        // -1 until the table was first vacuumed or analysed.
        return estimate.next() ? Math.max(0, estimate.getLong(1)) : 0;
      }
    }
  }

  @Override
  boolean isTransientItself(SQLException e) {
    String state = e.getSQLState();
    return state != null && (TRANSIENT_SQL_STATES.contains(state) || state.startsWith("08"));
  }

  @Override
  Connection connect(boolean autoCommit, int timeoutMs, Properties extra) throws SQLException {
    // The driver directly, not DriverManager: independent of service files in a shaded jar.
    Connection connection = new org.postgresql.Driver().connect(jdbcUrl, extra);
    if (connection == null) {
      throw new SQLException("PostgreSQL driver does not accept the URL " + describe());
    }
    return withAutoCommit(connection, autoCommit);
  }

  @Override
  String expand(String migrationSql) {
    return migrationSql.replace("${AUTO_ID}", "BIGSERIAL PRIMARY KEY").replace("${BLOB}", "BYTEA");
  }

  @Override
  String pruneInboxSql() {
    return "DELETE FROM inbox WHERE ctid = ANY(ARRAY("
        + "SELECT ctid FROM inbox WHERE received_at < ? LIMIT ?))";
  }

  @Override
  public void close() {
    pool.close();
  }
}
