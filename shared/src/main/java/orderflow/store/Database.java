package orderflow.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import orderflow.config.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JDBC database with durable settings: a SQLite file ({@link SqliteDatabase}) or PostgreSQL
 * ({@link PostgresDatabase}). What differs between the two lives in those two classes. {@link
 * #open()} lends a connection for one transaction; closing it returns it (rolling back what was not
 * committed).
 *
 * <p>This class is thread-safe.
 */
public abstract sealed class Database implements AutoCloseable
    permits SqliteDatabase, PostgresDatabase {
  /** How long a caller waits for a connection (SQLite: the write turn, the busy handler). */
  public static final int CONNECT_TIMEOUT_MS = 10_000;

  public static final int PING_TIMEOUT_SECONDS = 1;

  private static final Logger log = LoggerFactory.getLogger(Database.class);

  final String jdbcUrl;

  Database(String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
  }

  /**
   * @param jdbcUrl {@code jdbc:sqlite:data/inventory.db} or {@code jdbc:postgresql://...}; the
   *     parent directories of a SQLite file are created
   * @throws IllegalArgumentException for any other kind of URL
   */
  public static Database open(String jdbcUrl) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    return Dialect.of(jdbcUrl) == Dialect.SQLITE
        ? new SqliteDatabase(jdbcUrl)
        : new PostgresDatabase(jdbcUrl);
  }

  /**
   * For commands that only read: opening a SQLite file that does not exist would create an empty
   * database and show nothing, so a mistyped {@code --db} is an error instead.
   *
   * @throws IllegalStateException naming the missing file
   */
  public static void requireExisting(String jdbcUrl) {
    if (Dialect.of(jdbcUrl) == Dialect.SQLITE) {
      SqliteDatabase.requireFile(jdbcUrl);
    }
  }

  public abstract Dialect dialect();

  /** The URL with any password removed, for logs. */
  public String describe() {
    return Redaction.redactText(jdbcUrl).replaceAll("(?i)(password=)[^&;]*", "$1****");
  }

  /**
   * A connection for one transaction, autocommit off, durable settings applied. The caller closes
   * it, which rolls back what was not committed.
   */
  public abstract Connection open() throws SQLException;

  /**
   * As {@link #open()}, for writes that are redone when lost (an outbox row's mark: a lost mark
   * means the row is published again, and the inbox absorbs it): the commit does not wait for the
   * disk. It still commits in order with every other transaction, never corrupts, and the next
   * durable commit makes it durable too.
   */
  public abstract Connection openUnsynced() throws SQLException;

  /**
   * A read-only connection with autocommit on, for queries: it never asks for SQLite's write lock
   * (WAL lets readers in while a service writes) and cannot change anything.
   */
  public abstract Connection openReadOnly() throws SQLException;

  /**
   * Applies the runtime's own tables (inbox, outbox) and then {@code migrations} of {@code
   * component}, with Flyway: each migration not yet in the component's history table ({@code
   * flyway_history_<component>}), in version order, in its own transaction. Safe to run from
   * several processes at once. A database made before Flyway ({@code schema_migrations}) is taken
   * over: what it records is marked applied, not run again.
   *
   * @throws IllegalArgumentException if two migrations share a version or the component is {@value
   *     RuntimeSchema#COMPONENT}
   * @throws IllegalStateException in one line naming the component and each version, when an
   *     applied migration was edited, is missing from the code or failed
   */
  public void migrate(String component, List<Migration> migrations) throws SQLException {
    Objects.requireNonNull(component, "component");
    if (RuntimeSchema.COMPONENT.equals(component)) {
      throw new IllegalArgumentException("component name is reserved: " + component);
    }
    beforeMigrations();
    Migrator migrator =
        new Migrator(
            this, new ConnectionSource(() -> connect(true, CONNECT_TIMEOUT_MS, new Properties())));
    migrator.apply(RuntimeSchema.COMPONENT, RuntimeSchema.MIGRATIONS);
    migrator.apply(component, migrations);
  }

  /** Run once before the migrations, outside any transaction. */
  void beforeMigrations() throws SQLException {}

  /** After deletes: gives freed space back where the database does not do it by itself. */
  public abstract void compact() throws SQLException;

  /** The bytes the database takes: SQLite's file and its log, PostgreSQL's runtime tables. */
  public abstract long sizeBytes() throws SQLException;

  /**
   * Rows in a runtime table ({@code inbox} or {@code outbox}), for a gauge: exact on SQLite, the
   * planner's estimate on PostgreSQL, where counting millions of rows a minute would cost a scan.
   */
  public abstract long rows(String table) throws SQLException;

  static String runtimeTable(String table) {
    if (!table.equals("inbox") && !table.equals("outbox")) {
      throw new IllegalArgumentException("not a runtime table: " + table);
    }
    return table;
  }

  /** True when a trivial query answers within a second (used by health checks). */
  public boolean ping() {
    Properties properties = new Properties();
    properties.setProperty("connectTimeout", Integer.toString(PING_TIMEOUT_SECONDS));
    properties.setProperty("socketTimeout", Integer.toString(PING_TIMEOUT_SECONDS + 1));
    // Autocommit on: a SQLite ping must not queue for the write lock behind a running transaction.
    try (Connection connection = connect(true, PING_TIMEOUT_SECONDS * 1000, properties);
        Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(PING_TIMEOUT_SECONDS);
      try (ResultSet result = statement.executeQuery("SELECT 1")) {
        return result.next();
      }
    } catch (SQLException e) {
      log.debug("database ping failed for {}: {}", describe(), e.getMessage());
      return false;
    }
  }

  /** True when {@code e} (or a cause) means "busy, try again" (see each database's rule). */
  public boolean isTransient(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && isTransientItself(sql)) {
        return true;
      }
    }
    return false;
  }

  abstract boolean isTransientItself(SQLException e);

  /** A connection of its own, outside any pool or write turn. */
  abstract Connection connect(boolean autoCommit, int timeoutMs, Properties extra)
      throws SQLException;

  /** The column types a migration's {@code ${AUTO_ID}} and {@code ${BLOB}} stand for. */
  abstract String expand(String migrationSql);

  /**
   * A statement deleting up to {@code ?2} inbox entries received before {@code ?1}, a batch picked
   * by the row's physical id (the inbox's key is two columns).
   */
  abstract String pruneInboxSql();

  static Connection withAutoCommit(Connection connection, boolean autoCommit) throws SQLException {
    try {
      connection.setAutoCommit(autoCommit);
      return connection;
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  @Override
  public abstract void close();
}
