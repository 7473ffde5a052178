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
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import orderflow.config.Redaction;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A JDBC database with durable settings, a SQLite file or PostgreSQL by URL ({@link Dialect}).
 * {@link #open()} lends a connection from a HikariCP pool for one transaction; closing it returns
 * it, rolling back what was not committed.
 *
 * <p>SQLite allows one writer: the pool holds this process's one write connection, so its threads
 * take turns in the pool's queue instead of in SQLite's busy handler, and other processes meet the
 * busy timeout. A lent SQLite connection holds the write lock ({@code BEGIN IMMEDIATE}) until it is
 * closed: close it promptly. Connections use WAL, {@code synchronous=FULL}, foreign keys and a busy
 * timeout of {@value #CONNECT_TIMEOUT_MS} ms; the write connection also a 32 MiB page cache and a
 * WAL checkpoint every {@value #SQLITE_WAL_AUTOCHECKPOINT_PAGES} pages; its statements are prepared
 * once ({@link StatementCache}). The file is in incremental auto-vacuum mode, so {@link #compact}
 * gives freed pages back.
 *
 * <p>PostgreSQL: a pool of {@value #POSTGRES_MAX_CONNECTIONS} whose sessions carry our idle, lock
 * and statement timeouts; broken connections (a server restart) are evicted by the pool.
 *
 * <p>This class is thread-safe.
 */
public final class Database implements AutoCloseable {
  /** How long a caller waits for a connection (SQLite: the write turn, the busy handler). */
  public static final int CONNECT_TIMEOUT_MS = 10_000;

  public static final int PING_TIMEOUT_SECONDS = 1;

  /** The write connection's page cache (SQLite's default is 2 MiB): native memory, not heap. */
  static final int SQLITE_WRITER_CACHE_KIB = 32 * 1024;

  /**
   * 10,000 pages of 4 KiB: a page written by many commits in between (index pages, the outbox's
   * tail) is copied into the database file once per 40 MB of log rather than once per 4 MB.
   */
  static final int SQLITE_WAL_AUTOCHECKPOINT_PAGES = 10_000;

  /**
   * The most one process holds at once, plus one spare: the order service's outbox publisher (up to
   * three: the transaction holding its rows, a mark, the backlog count), group commit, its view's
   * consumer loop, a cancellation, the stream projection, an erasure and retention.
   */
  static final int POSTGRES_MAX_CONNECTIONS = 10;

  /**
   * A transaction that sits between statements this long belongs to a frozen or cut-off process:
   * the server ends its session, so the rows it locked are free again. The outbox publisher, which
   * waits for confirms holding its rows, raises it for its own transactions.
   */
  static final Duration IDLE_IN_TRANSACTION = Duration.ofSeconds(10);

  /** Above the publisher's 30 s confirm wait. */
  static final Duration PUBLISHER_IDLE_IN_TRANSACTION = Duration.ofSeconds(45);

  /** Longer than {@link #IDLE_IN_TRANSACTION}: a wait behind a frozen holder ends by its end. */
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
    pool.setPoolName("orderflow-" + dialect.name().toLowerCase(Locale.ROOT));
    pool.setConnectionTimeout(CONNECT_TIMEOUT_MS);
    // Starting never fails: an unreachable server is a transient failure of the first loan.
    pool.setInitializationFailTimeout(-1);
    if (dialect == Dialect.SQLITE) {
      createParentDirectories();
      pool.setDataSource(sqliteWriter());
      pool.setMaximumPoolSize(1);
      pool.setMaxLifetime(0); // the connection keeps its cache and prepared statements
    } else {
      PGSimpleDataSource source = postgres(false);
      source.setOptions(sessionOptions(source.getOptions()));
      pool.setDataSource(source);
      pool.setMaximumPoolSize(POSTGRES_MAX_CONNECTIONS);
      pool.setMinimumIdle(1);
    }
  }

  /**
   * @param jdbcUrl {@code jdbc:sqlite:data/inventory.db} or {@code jdbc:postgresql://...}; the
   *     parent directories of a SQLite file are created
   * @throws IllegalArgumentException for any other kind of URL
   */
  public static Database open(String jdbcUrl) {
    return new Database(Objects.requireNonNull(jdbcUrl, "jdbcUrl"));
  }

  /**
   * For commands that only read: opening a SQLite file that does not exist would create an empty
   * database and show nothing, so a mistyped {@code --db} is an error instead.
   *
   * @throws IllegalStateException naming the missing file
   */
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

  /**
   * A connection for one transaction, autocommit off, durable settings applied. The caller closes
   * it, which rolls back what was not committed.
   */
  public Connection open() throws SQLException {
    return lend(true);
  }

  /**
   * As {@link #open()}, for writes that are redone when lost (an outbox row's mark: a lost mark
   * means the row is published again, and the inbox absorbs it): the commit does not wait for the
   * disk. It still commits in order with every other transaction, never corrupts, and the next
   * durable commit makes it durable too.
   */
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

  /**
   * A read-only connection of its own with autocommit on, for queries: it never asks for SQLite's
   * write lock (WAL lets readers in while a service writes) and cannot change anything.
   */
  public Connection openReadOnly() throws SQLException {
    return plain(true, CONNECT_TIMEOUT_MS).getConnection();
  }

  /**
   * Applies the runtime's own tables (inbox, outbox), then those of {@code component}, with Flyway
   * (see {@link Migrations}). Safe to run from several processes at once.
   *
   * @throws SQLException in one line naming the component, when a migration fails or the history
   *     does not match the scripts
   */
  public void migrate(String component) throws SQLException {
    Objects.requireNonNull(component, "component");
    DataSource source = plain(false, CONNECT_TIMEOUT_MS);
    try (Connection lock = source.getConnection();
        Statement statement = lock.createStatement()) {
      if (dialect == Dialect.SQLITE) {
        requireIncrementalVacuum(statement);
      } else {
        // Flyway's baseline of a new history table is not safe between instances starting at once.
        // Released when this connection closes.
        statement.execute("SELECT pg_advisory_lock(x'6f66'::int, hashtext(current_schema()))");
      }
      Migrations.apply(source, dialect, Migrations.RUNTIME, describe());
      Migrations.apply(source, dialect, component, describe());
    }
  }

  /** A file made without incremental auto-vacuum is converted once, by a rewriting VACUUM. */
  private void requireIncrementalVacuum(Statement statement) throws SQLException {
    try (ResultSet mode = statement.executeQuery("PRAGMA auto_vacuum")) {
      if (mode.next() && mode.getInt(1) == INCREMENTAL_VACUUM) {
        return;
      }
    }
    log.info("converting {} to incremental auto-vacuum (once; rewrites the file)", describe());
    statement.execute("PRAGMA auto_vacuum = INCREMENTAL");
    statement.execute("VACUUM");
  }

  /**
   * After deletes: SQLite gives freed pages back to the file system and truncates its log (only
   * when no reader is in it; otherwise the next compaction does); PostgreSQL's autovacuum reuses
   * the space by itself.
   */
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

  /**
   * Rows in a runtime table ({@code inbox} or {@code outbox}), for a gauge: exact on SQLite, the
   * planner's estimate on PostgreSQL (-1 until first analysed, shown as 0), where counting millions
   * of rows a minute would cost a scan.
   */
  public long rows(String table) throws SQLException {
    if (!table.equals("inbox") && !table.equals("outbox")) {
      throw new IllegalArgumentException("not a runtime table: " + table);
    }
    return dialect == Dialect.SQLITE
        ? query("SELECT COUNT(*) FROM " + table)
        : Math.max(
            0,
            query(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass('" + table + "')"));
  }

  private long query(String sql) throws SQLException {
    try (Connection connection = dialect == Dialect.SQLITE ? openReadOnly() : open();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      return result.next() ? result.getLong(1) : 0;
    }
  }

  /** True when a trivial query answers within a second (used by health checks). */
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

  /** True when {@code e} (or a cause) means "busy, try again" (see {@link Dialect}). */
  public boolean isTransient(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && dialect.isTransientItself(sql)) {
        return true;
      }
    }
    return false;
  }

  String pruneInboxSql() {
    return dialect.pruneInboxSql;
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

  /** Our timeouts, after any options of the URL, which the server applies last and so win. */
  static String sessionOptions(String fromUrl) {
    String ours =
        "-c idle_in_transaction_session_timeout="
            + IDLE_IN_TRANSACTION.toMillis()
            + " -c lock_timeout="
            + LOCK_WAIT.toMillis()
            + " -c statement_timeout="
            + STATEMENT.toMillis();
    return fromUrl == null || fromUrl.isBlank() ? ours : ours + " " + fromUrl;
  }

  private SQLiteDataSource sqliteWriter() {
    SQLiteDataSource source =
        new SQLiteDataSource(sqliteConfig(CONNECT_TIMEOUT_MS)) {
          @Override
          public Connection getConnection() throws SQLException {
            Connection connection = super.getConnection();
            try {
              execute(connection, "PRAGMA cache_size = -" + SQLITE_WRITER_CACHE_KIB);
              execute(connection, "PRAGMA wal_autocheckpoint = " + SQLITE_WAL_AUTOCHECKPOINT_PAGES);
              return StatementCache.wrap(connection);
            } catch (SQLException | RuntimeException e) {
              connection.close();
              throw e;
            }
          }
        };
    source.setUrl(jdbcUrl);
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
    // Else every INSERT is followed by a SELECT last_insert_rowid(), prepared anew each time.
    // Nothing here reads generated keys (RETURNING does).
    config.setGetGeneratedKeys(false);
    return config;
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /**
   * The file a URL names ({@code jdbc:sqlite:data/x.db}, {@code jdbc:sqlite:file:x.db?..}); empty
   * for an in-memory database.
   */
  private static Optional<Path> file(String jdbcUrl) {
    String file = jdbcUrl.substring(Dialect.SQLITE.urlPrefix.length()).replaceFirst("\\?.*", "");
    file = file.startsWith("file:") ? file.substring("file:".length()) : file;
    return file.isEmpty() || file.startsWith(":memory:")
        ? Optional.empty()
        : Optional.of(Path.of(file));
  }

  private void createParentDirectories() {
    Path parent = file(jdbcUrl).map(file -> file.toAbsolutePath().getParent()).orElse(null);
    try {
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the database directory " + parent, e);
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
