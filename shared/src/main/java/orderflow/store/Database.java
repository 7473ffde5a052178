package orderflow.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import orderflow.config.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * A JDBC database (SQLite file or PostgreSQL) with durable settings. {@link #open()} lends a
 * connection for one transaction; closing it returns it (rolling back what was not committed). On
 * SQLite that is the process's one write connection ({@link SqliteWriter}), taken in turns, with
 * its statements prepared once; on PostgreSQL a pooled connection ({@link PostgresPool}).
 *
 * <p>SQLite connections use WAL, {@code synchronous=FULL}, a busy timeout of {@value
 * #SQLITE_BUSY_TIMEOUT_MS} ms, foreign keys, and {@code BEGIN IMMEDIATE} transactions, so two
 * writers queue for the write lock instead of deadlocking on a lock upgrade. A lent SQLite
 * connection holds the write lock until it is closed: close it promptly.
 *
 * <p>This class is thread-safe.
 */
public final class Database implements AutoCloseable {
  public static final int SQLITE_BUSY_TIMEOUT_MS = 10_000;
  public static final int PING_TIMEOUT_SECONDS = 1;

  private static final Logger log = LoggerFactory.getLogger(Database.class);
  private static final int SQLITE_BUSY = 5;
  private static final int SQLITE_LOCKED = 6;
  private static final int SQLITE_INCREMENTAL_VACUUM = 2;
  private static final Set<String> TRANSIENT_SQL_STATES =
      Set.of("40001", "40P01", "55P03", "57P01", "57P02", "57P03");

  private final String jdbcUrl;
  private final Dialect dialect;
  private final SqliteWriter sqliteWriter;
  private final PostgresPool postgresPool;

  private Database(String jdbcUrl, Dialect dialect) {
    this.jdbcUrl = jdbcUrl;
    this.dialect = dialect;
    this.sqliteWriter =
        dialect == Dialect.SQLITE
            ? new SqliteWriter(SQLITE_BUSY_TIMEOUT_MS, () -> sqlite(SQLITE_BUSY_TIMEOUT_MS))
            : null;
    this.postgresPool =
        dialect == Dialect.POSTGRESQL
            ? new PostgresPool(jdbcUrl, SQLITE_BUSY_TIMEOUT_MS, "orderflow-postgres")
            : null;
  }

  /**
   * @param jdbcUrl {@code jdbc:sqlite:data/inventory.db} or {@code jdbc:postgresql://...}; the
   *     parent directories of a SQLite file are created
   * @throws IllegalArgumentException for any other kind of URL
   */
  public static Database open(String jdbcUrl) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Dialect dialect = Dialect.of(jdbcUrl);
    if (dialect == Dialect.SQLITE) {
      createParentDirectories(jdbcUrl);
    }
    return new Database(jdbcUrl, dialect);
  }

  public Dialect dialect() {
    return dialect;
  }

  /** The URL with any password removed, for logs. */
  public String describe() {
    return Redaction.redactText(jdbcUrl).replaceAll("(?i)(password=)[^&;]*", "$1****");
  }

  /**
   * A connection for one transaction, autocommit off, durable settings applied. The caller closes
   * it, which rolls back what was not committed.
   */
  public Connection open() throws SQLException {
    return dialect == Dialect.SQLITE ? sqliteWriter.lend() : postgresPool.borrow();
  }

  /**
   * A read-only connection with autocommit on, for query commands: it never asks for SQLite's write
   * lock (WAL lets readers in while a service writes) and cannot change anything.
   */
  public Connection openReadOnly() throws SQLException {
    if (dialect == Dialect.SQLITE) {
      SQLiteConfig config = new SQLiteConfig();
      config.setReadOnly(true);
      config.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MS);
      return config.createConnection(jdbcUrl);
    }
    Connection connection = connect(true, SQLITE_BUSY_TIMEOUT_MS, new Properties());
    connection.setReadOnly(true);
    return connection;
  }

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
    if (dialect == Dialect.SQLITE) {
      enableIncrementalVacuum();
    }
    Migrator migrator =
        new Migrator(
            this,
            new ConnectionSource(() -> connect(true, SQLITE_BUSY_TIMEOUT_MS, new Properties())));
    migrator.apply(RuntimeSchema.COMPONENT, RuntimeSchema.MIGRATIONS);
    migrator.apply(component, migrations);
  }

  /**
   * SQLite gives freed pages back to the file only in incremental auto-vacuum mode ({@link
   * #compact}). A file made without it is converted once, by a {@code VACUUM} that rewrites it.
   */
  private void enableIncrementalVacuum() throws SQLException {
    try (Connection connection = connect(true, SQLITE_BUSY_TIMEOUT_MS, new Properties());
        Statement statement = connection.createStatement()) {
      try (ResultSet mode = statement.executeQuery("PRAGMA auto_vacuum")) {
        if (mode.next() && mode.getInt(1) == SQLITE_INCREMENTAL_VACUUM) {
          return;
        }
      }
      log.info("converting {} to incremental auto-vacuum (once; rewrites the file)", describe());
      statement.execute("PRAGMA auto_vacuum = INCREMENTAL");
      statement.execute("VACUUM");
    }
  }

  /**
   * After deletes: on SQLite, gives the freed pages back to the file system and truncates the
   * write-ahead log; PostgreSQL's autovacuum reuses the space by itself.
   */
  public void compact() throws SQLException {
    if (dialect != Dialect.SQLITE) {
      return;
    }
    // In the write turn, so the service's own transactions queue behind it instead of meeting
    // SQLite's busy handler.
    try (Connection connection = open();
        Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA incremental_vacuum");
      connection.commit();
    }
    try (Connection connection = connect(true, SQLITE_BUSY_TIMEOUT_MS, new Properties());
        Statement statement = connection.createStatement()) {
      // Only when no reader is in the log; otherwise the next compaction truncates it.
      statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
  }

  /** The bytes the database takes: SQLite's file and its log, PostgreSQL's runtime tables. */
  public long sizeBytes() throws SQLException {
    if (dialect == Dialect.SQLITE) {
      Path file = sqliteFile(jdbcUrl).orElse(null);
      if (file == null) {
        return 0;
      }
      Path log = file.resolveSibling(file.getFileName() + "-wal");
      try {
        return Files.size(file) + (Files.exists(log) ? Files.size(log) : 0);
      } catch (IOException e) {
        throw new SQLException("cannot read the size of " + file, e);
      }
    }
    try (Connection connection = openReadOnly();
        Statement statement = connection.createStatement();
        ResultSet size =
            statement.executeQuery(
                "SELECT pg_total_relation_size('inbox') + pg_total_relation_size('outbox')")) {
      size.next();
      return size.getLong(1);
    }
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

  /**
   * True when {@code e} (or a cause) means "busy, try again": SQLite BUSY/LOCKED; PostgreSQL
   * serialization failure, deadlock, lock not available, a lost connection or a server restarting.
   */
  public boolean isTransient(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && isTransientItself(sql)) {
        return true;
      }
    }
    return false;
  }

  private boolean isTransientItself(SQLException e) {
    if (dialect == Dialect.SQLITE) {
      // sqlite-jdbc reports the primary result code; mask in case an extended code is reported.
      int primary = e.getErrorCode() & 0xff;
      return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
    }
    String state = e.getSQLState();
    return state != null && (TRANSIENT_SQL_STATES.contains(state) || state.startsWith("08"));
  }

  private Connection connect(boolean autoCommit, int busyTimeoutMs, Properties extra)
      throws SQLException {
    Connection connection = dialect == Dialect.SQLITE ? sqlite(busyTimeoutMs) : postgresql(extra);
    try {
      connection.setAutoCommit(autoCommit);
      return connection;
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  private Connection sqlite(int busyTimeoutMs) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(busyTimeoutMs);
    config.enforceForeignKeys(true);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    // Every INSERT would otherwise be followed by a SELECT last_insert_rowid(), prepared anew each
    // time: a tenth of the consumer's CPU. Nothing here reads generated keys (RETURNING does).
    config.setGetGeneratedKeys(false);
    return config.createConnection(jdbcUrl);
  }

  private Connection postgresql(Properties extra) throws SQLException {
    // The driver directly, not DriverManager: independent of service files in a shaded jar.
    Connection connection = new org.postgresql.Driver().connect(jdbcUrl, extra);
    if (connection == null) {
      throw new SQLException("PostgreSQL driver does not accept the URL " + describe());
    }
    return connection;
  }

  /**
   * For commands that only read: opening a SQLite file that does not exist would create an empty
   * database and show nothing, so a mistyped {@code --db} is an error instead.
   *
   * @throws IllegalStateException naming the missing file
   */
  public static void requireExisting(String jdbcUrl) {
    Optional<Path> file = sqliteFile(jdbcUrl);
    if (file.isPresent() && !Files.isRegularFile(file.get())) {
      throw new IllegalStateException(
          "no database at " + file.get() + " (has the service run? pass --db to choose another)");
    }
  }

  /**
   * The file a SQLite URL names ({@code jdbc:sqlite:data/x.db}, {@code jdbc:sqlite:file:x.db?..});
   * empty for PostgreSQL and in-memory SQLite.
   */
  private static Optional<Path> sqliteFile(String jdbcUrl) {
    if (Dialect.of(jdbcUrl) != Dialect.SQLITE) {
      return Optional.empty();
    }
    String file = jdbcUrl.substring("jdbc:sqlite:".length());
    int query = file.indexOf('?');
    if (query >= 0) {
      file = file.substring(0, query);
    }
    if (file.startsWith("file:")) {
      file = file.substring("file:".length());
    }
    if (file.isEmpty() || file.startsWith(":memory:")) {
      return Optional.empty();
    }
    return Optional.of(Path.of(file));
  }

  private static void createParentDirectories(String jdbcUrl) {
    Path parent = sqliteFile(jdbcUrl).map(file -> file.toAbsolutePath().getParent()).orElse(null);
    try {
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the database directory " + parent, e);
    }
  }

  /** Closes the SQLite write connection or the PostgreSQL pool. */
  @Override
  public void close() {
    if (sqliteWriter != null) {
      sqliteWriter.close();
    }
    if (postgresPool != null) {
      postgresPool.close();
    }
  }
}
