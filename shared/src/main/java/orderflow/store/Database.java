package orderflow.store;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import orderflow.config.Redaction;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A JDBC database with durable settings: a SQLite file, or PostgreSQL by URL. {@link #open()} lends
 * a pooled connection for one transaction; closing it rolls back what was not committed. SQLite
 * allows one writer, so its pool is one connection and a loan holds the write lock until closed
 * (decisions.md D22): close it promptly. PostgreSQL sessions carry idle, lock and statement
 * timeouts. This class is thread-safe.
 */
public final class Database implements AutoCloseable {
  /** How long a caller waits for a connection (SQLite: the write turn, the busy handler). */
  static final int CONNECT_TIMEOUT_MS = 10_000;

  static final int PING_TIMEOUT_SECONDS = 1;
  static final int SQLITE_WRITER_CACHE_KIB = 32 * 1024; // native memory, not heap
  static final int SQLITE_WAL_AUTOCHECKPOINT_PAGES = 10_000;
  static final int POSTGRES_MAX_CONNECTIONS = 10; // what one process holds at once, plus one

  // The server ends a transaction idle this long (a frozen process), freeing its row locks; the
  // outbox publisher idles while awaiting confirms. A lock wait outlasts it: a wait behind a
  // frozen holder ends by the holder's end.
  static final Duration IDLE_IN_TRANSACTION = Duration.ofSeconds(10);
  static final Duration PUBLISHER_IDLE_IN_TRANSACTION = Duration.ofSeconds(45);
  static final Duration LOCK_WAIT = Duration.ofSeconds(15);
  static final Duration STATEMENT = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(Database.class);
  private static final int INCREMENTAL_VACUUM = 2;

  private final String jdbcUrl;
  private final Dialect dialect;
  private final HikariDataSource pool = new HikariDataSource(); // started by the first loan

  private Database(String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
    this.dialect = Dialect.of(jdbcUrl);
    pool.setPoolName("orderflow-" + dialect.id);
    pool.setConnectionTimeout(CONNECT_TIMEOUT_MS);
    // Starting never fails: an unreachable server is a transient failure of the first loan.
    pool.setInitializationFailTimeout(-1);
    if (dialect == Dialect.SQLITE) {
      Path parent = file(jdbcUrl).map(file -> file.toAbsolutePath().getParent()).orElse(null);
      try {
        if (parent != null) {
          Files.createDirectories(parent);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the database directory " + parent, e);
      }
      SQLiteConfig config = sqliteConfig(CONNECT_TIMEOUT_MS);
      config.setCacheSize(-SQLITE_WRITER_CACHE_KIB); // negative: KiB
      SQLiteDataSource writer =
          new SQLiteDataSource(config) {
            @Override
            public Connection getConnection() throws SQLException {
              return StatementCache.wrap(super.getConnection());
            }
          };
      writer.setUrl(jdbcUrl);
      pool.setDataSource(writer);
      pool.setConnectionInitSql("PRAGMA wal_autocheckpoint = " + SQLITE_WAL_AUTOCHECKPOINT_PAGES);
      pool.setMaximumPoolSize(1);
      pool.setMaxLifetime(0); // the connection keeps its cache and prepared statements
    } else {
      PGSimpleDataSource source = postgres(false);
      String urlOptions = source.getOptions();
      // The server applies the URL's options last, so they win.
      source.setOptions(
          String.format(
              "-c idle_in_transaction_session_timeout=%d -c lock_timeout=%d"
                  + " -c statement_timeout=%d%s",
              IDLE_IN_TRANSACTION.toMillis(),
              LOCK_WAIT.toMillis(),
              STATEMENT.toMillis(),
              urlOptions == null ? "" : " " + urlOptions));
      pool.setDataSource(source);
      pool.setMaximumPoolSize(POSTGRES_MAX_CONNECTIONS);
      pool.setMinimumIdle(1);
    }
  }

  /** {@code jdbc:sqlite:FILE} (its directories created) or {@code jdbc:postgresql://...}. */
  public static Database open(String jdbcUrl) {
    return new Database(jdbcUrl);
  }

  /** For commands that only read: a mistyped {@code --db} must not create an empty SQLite file. */
  public static void requireExisting(String jdbcUrl) {
    Optional<Path> file = Dialect.of(jdbcUrl) == Dialect.SQLITE ? file(jdbcUrl) : Optional.empty();
    if (file.isPresent() && !Files.isRegularFile(file.get())) {
      throw new IllegalStateException(
          "no database at " + file.get() + " (has the service run? pass --db to choose another)");
    }
  }

  public Dialect dialect() {
    return dialect;
  }

  /** The URL with any password removed, for logs. */
  public String describe() {
    return Redaction.redactText(jdbcUrl).replaceAll("(?i)(password=)[^&;]*", "$1****");
  }

  /** A connection for one transaction, autocommit off; closing it rolls back the uncommitted. */
  public Connection open() throws SQLException {
    return lend(true);
  }

  /** As {@link #open()}, for writes redone when lost (an outbox mark): commits skip the flush. */
  public Connection openUnsynced() throws SQLException {
    return lend(false);
  }

  private Connection lend(boolean synced) throws SQLException {
    Connection connection = pool.getConnection();
    try {
      if (dialect == Dialect.SQLITE) {
        // Outside a transaction, where SQLite allows it.
        execute(connection, "PRAGMA synchronous = " + (synced ? "FULL" : "NORMAL"));
      }
      connection.setAutoCommit(false);
      if (!synced && dialect == Dialect.POSTGRESQL) {
        execute(connection, "SET LOCAL synchronous_commit TO OFF");
      }
      return connection;
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** Read-only, outside the pool, autocommit on: it never waits for SQLite's write lock. */
  public Connection openReadOnly() throws SQLException {
    return plain(true, CONNECT_TIMEOUT_MS).getConnection();
  }

  /** Migrates the runtime's tables, then {@code component}'s; safe from processes at once. */
  public void migrate(String component) throws SQLException {
    DataSource source = plain(false, CONNECT_TIMEOUT_MS);
    try (Connection lock = source.getConnection();
        Statement statement = lock.createStatement()) {
      if (dialect == Dialect.SQLITE
          && Sql.first(lock, "PRAGMA auto_vacuum", mode -> mode.getInt(1)).orElse(0)
              != INCREMENTAL_VACUUM) {
        log.info("converting {} to incremental auto-vacuum (once; rewrites the file)", describe());
        statement.execute("PRAGMA auto_vacuum = INCREMENTAL");
        statement.execute("VACUUM");
      } else if (dialect == Dialect.POSTGRESQL) {
        // Flyway's first baseline is not safe between instances; released with this connection.
        statement.execute("SELECT pg_advisory_lock(x'6f66'::int, hashtext(current_schema()))");
      }
      Migrations.apply(source, dialect, Migrations.RUNTIME, describe());
      Migrations.apply(source, dialect, component, describe());
    }
  }

  /** SQLite gives freed pages back and truncates its log; PostgreSQL's autovacuum needs no call. */
  public void compact() throws SQLException {
    if (dialect == Dialect.SQLITE) {
      // In the write turn, so the service's own transactions queue behind it.
      try (Connection connection = open()) {
        execute(connection, "PRAGMA incremental_vacuum");
        connection.commit();
      }
      try (Connection connection = plain(false, CONNECT_TIMEOUT_MS).getConnection()) {
        execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
      }
    }
  }

  /** The bytes the database takes: SQLite's file and its log, PostgreSQL's runtime tables. */
  public long sizeBytes() throws SQLException {
    if (dialect == Dialect.POSTGRESQL) {
      return query("SELECT pg_total_relation_size('inbox') + pg_total_relation_size('outbox')");
    }
    Path file = file(jdbcUrl).orElse(null);
    try {
      Path log = file == null ? null : file.resolveSibling(file.getFileName() + "-wal");
      return file == null ? 0 : Files.size(file) + (Files.exists(log) ? Files.size(log) : 0);
    } catch (IOException e) {
      throw new SQLException("cannot read the size of " + file, e);
    }
  }

  /** Rows in {@code inbox} or {@code outbox}: exact on SQLite, estimated on PostgreSQL. */
  public long rows(String table) throws SQLException {
    if (!table.equals("inbox") && !table.equals("outbox")) {
      throw new IllegalArgumentException("not a runtime table: " + table); // it is pasted in SQL
    }
    if (dialect == Dialect.SQLITE) {
      return query("SELECT COUNT(*) FROM " + table);
    }
    return query(
        "SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = to_regclass('"
            + table
            + "')");
  }

  private long query(String sql) throws SQLException {
    try (Connection connection = dialect == Dialect.SQLITE ? openReadOnly() : open()) {
      return Sql.first(connection, sql, result -> result.getLong(1)).orElse(0L);
    }
  }

  /** True when a trivial query answers within {@link #PING_TIMEOUT_SECONDS}. */
  public boolean ping() {
    // A connection of its own: a SQLite ping must not queue for the write turn.
    try (Connection connection = plain(false, PING_TIMEOUT_SECONDS * 1000).getConnection();
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

  /** Connections of their own, outside the pool and its session timeouts. */
  private DataSource plain(boolean readOnly, int timeoutMs) {
    if (dialect == Dialect.POSTGRESQL) {
      PGSimpleDataSource source = postgres(readOnly);
      source.setConnectTimeout(Math.max(1, timeoutMs / 1000));
      if (timeoutMs < CONNECT_TIMEOUT_MS) { // a ping: a server that stopped answering fails it too
        source.setSocketTimeout(timeoutMs / 1000 + 1);
      }
      return source;
    }
    SQLiteConfig config = readOnly ? new SQLiteConfig() : sqliteConfig(timeoutMs);
    config.setReadOnly(readOnly);
    config.setBusyTimeout(timeoutMs);
    SQLiteDataSource source = new SQLiteDataSource(config);
    source.setUrl(jdbcUrl);
    return source;
  }

  private PGSimpleDataSource postgres(boolean readOnly) {
    // The data source directly, not DriverManager: independent of service files in a shaded jar.
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setURL(jdbcUrl);
    source.setReadOnly(readOnly);
    return source;
  }

  private static SQLiteConfig sqliteConfig(int busyTimeoutMs) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(busyTimeoutMs);
    config.enforceForeignKeys(true);
    // Two writers queue for the write lock instead of deadlocking on a lock upgrade.
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    // Else every INSERT is followed by a SELECT last_insert_rowid(); RETURNING serves instead.
    config.setGetGeneratedKeys(false);
    return config;
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** The file a SQLite URL names ({@code data/x.db}, {@code file:x.db?..}); empty for memory. */
  private static Optional<Path> file(String jdbcUrl) {
    String file = jdbcUrl.substring(Dialect.SQLITE.urlPrefix.length()).replaceFirst("\\?.*", "");
    file = file.startsWith("file:") ? file.substring("file:".length()) : file;
    return file.isEmpty() || file.startsWith(":memory:")
        ? Optional.empty()
        : Optional.of(Path.of(file));
  }

  @Override
  public void close() {
    pool.close();
  }
}
