package orderflow.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * A SQLite file, one process per file. {@link #open()} lends the process's one write connection
 * ({@link SqliteWriter}), taken in turns, with its statements prepared once.
 *
 * <p>Connections use WAL, {@code synchronous=FULL}, a busy timeout of {@value
 * Database#CONNECT_TIMEOUT_MS} ms, foreign keys, and {@code BEGIN IMMEDIATE} transactions, so two
 * writers queue for the write lock instead of deadlocking on a lock upgrade. A lent connection
 * holds the write lock until it is closed: close it promptly. The file is in incremental
 * auto-vacuum mode, so {@link #compact} can give freed pages back.
 *
 * <p>This class is thread-safe.
 */
final class SqliteDatabase extends Database {
  private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);
  private static final int SQLITE_BUSY = 5;
  private static final int SQLITE_LOCKED = 6;
  private static final int INCREMENTAL_VACUUM = 2;

  /** The write connection's page cache (SQLite's default is 2 MiB): native memory, not heap. */
  static final int WRITER_CACHE_KIB = 32 * 1024;

  /**
   * 10,000 pages of 4 KiB: the WAL file grows to about 40 MB before a commit checkpoints it, which
   * takes that commit some 40 ms (SQLite's default, 1,000 pages, some 10 ms ten times as often).
   */
  static final int WAL_AUTOCHECKPOINT_PAGES = 10_000;

  private final SqliteWriter writer;

  SqliteDatabase(String jdbcUrl) {
    super(jdbcUrl);
    createParentDirectories(jdbcUrl);
    this.writer = new SqliteWriter(CONNECT_TIMEOUT_MS, this::writeConnection);
  }

  @Override
  public Dialect dialect() {
    return Dialect.SQLITE;
  }

  @Override
  public Connection open() throws SQLException {
    return writer.lend();
  }

  @Override
  public Connection openUnsynced() throws SQLException {
    return writer.lend(false);
  }

  @Override
  public Connection openReadOnly() throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(CONNECT_TIMEOUT_MS);
    return config.createConnection(jdbcUrl);
  }

  /** A file made without incremental auto-vacuum is converted once, by a rewriting VACUUM. */
  @Override
  void beforeMigrations() throws SQLException {
    try (Connection connection = connect(true, CONNECT_TIMEOUT_MS, new Properties());
        Statement statement = connection.createStatement()) {
      try (ResultSet mode = statement.executeQuery("PRAGMA auto_vacuum")) {
        if (mode.next() && mode.getInt(1) == INCREMENTAL_VACUUM) {
          return;
        }
      }
      log.info("converting {} to incremental auto-vacuum (once; rewrites the file)", describe());
      statement.execute("PRAGMA auto_vacuum = INCREMENTAL");
      statement.execute("VACUUM");
    }
  }

  /** Gives the freed pages back to the file system and truncates the write-ahead log. */
  @Override
  public void compact() throws SQLException {
    // In the write turn, so the service's own transactions queue behind it instead of meeting
    // SQLite's busy handler.
    try (Connection connection = open();
        Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA incremental_vacuum");
      connection.commit();
    }
    try (Connection connection = connect(true, CONNECT_TIMEOUT_MS, new Properties());
        Statement statement = connection.createStatement()) {
      // Only when no reader is in the log; otherwise the next compaction truncates it.
      statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
  }

  @Override
  public long sizeBytes() throws SQLException {
    Path file = file(jdbcUrl).orElse(null);
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

  @Override
  public long rows(String table) throws SQLException {
    try (Connection connection = openReadOnly();
        Statement statement = connection.createStatement();
        ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM " + runtimeTable(table))) {
      count.next();
      return count.getLong(1);
    }
  }

  /** BUSY or LOCKED: another writer holds the file. */
  @Override
  boolean isTransientItself(SQLException e) {
    // sqlite-jdbc reports the primary result code; mask in case an extended code is reported.
    int primary = e.getErrorCode() & 0xff;
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
  }

  @Override
  Connection connect(boolean autoCommit, int timeoutMs, Properties extra) throws SQLException {
    return withAutoCommit(sqlite(timeoutMs), autoCommit);
  }

  @Override
  String expand(String migrationSql) {
    return migrationSql
        .replace("${AUTO_ID}", "INTEGER PRIMARY KEY AUTOINCREMENT")
        .replace("${BLOB}", "BLOB");
  }

  @Override
  String pruneInboxSql() {
    return "DELETE FROM inbox WHERE rowid IN"
        + " (SELECT rowid FROM inbox WHERE received_at < ? LIMIT ?)";
  }

  /**
   * The process's write connection: its page cache holds the hot part of the inbox and outbox
   * indexes, so checking an event id seldom reads the file; and its commits checkpoint the WAL only
   * once it holds {@value #WAL_AUTOCHECKPOINT_PAGES} pages, so a page written by many commits in
   * between (index pages, the outbox's tail) is copied into the database file once instead of once
   * every 4 MB: at full speed a third less written, 40% less kernel time per order
   * (docs/decisions.md, 2026-12-02, "the saga's load generator and the SQLite writer").
   */
  private Connection writeConnection() throws SQLException {
    Connection connection = sqlite(CONNECT_TIMEOUT_MS);
    try (Statement pragma = connection.createStatement()) {
      pragma.execute("PRAGMA cache_size = -" + WRITER_CACHE_KIB);
      pragma.execute("PRAGMA wal_autocheckpoint = " + WAL_AUTOCHECKPOINT_PAGES);
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return connection;
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

  /**
   * @throws IllegalStateException naming the file when it does not exist
   */
  static void requireFile(String jdbcUrl) {
    Optional<Path> file = file(jdbcUrl);
    if (file.isPresent() && !Files.isRegularFile(file.get())) {
      throw new IllegalStateException(
          "no database at " + file.get() + " (has the service run? pass --db to choose another)");
    }
  }

  /**
   * The file a URL names ({@code jdbc:sqlite:data/x.db}, {@code jdbc:sqlite:file:x.db?..}); empty
   * for an in-memory database.
   */
  private static Optional<Path> file(String jdbcUrl) {
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
    writer.close();
  }
}
