package orderflow.store;

import java.sql.SQLException;
import java.util.Set;
import orderflow.config.Redaction;

/**
 * The SQL databases the services support, and what differs between them as values: the URL prefix,
 * the folder of their migrations ({@code db/migration/<folder>/<component>}), the inbox's prune
 * statement, and which failures mean "busy, try again".
 */
public enum Dialect {
  SQLITE(
      "jdbc:sqlite:",
      "sqlite",
      "DELETE FROM inbox WHERE rowid IN (SELECT rowid FROM inbox WHERE received_at < ? LIMIT ?)"),
  POSTGRESQL(
      "jdbc:postgresql:",
      "postgresql",
      "DELETE FROM inbox WHERE ctid = ANY(ARRAY("
          + "SELECT ctid FROM inbox WHERE received_at < ? LIMIT ?))");

  private static final int SQLITE_BUSY = 5;
  private static final int SQLITE_LOCKED = 6;

  /**
   * Serialization failure, deadlock, lock not available, and a server shutting down or starting;
   * any connection exception (class 08) too.
   */
  private static final Set<String> TRANSIENT_SQL_STATES =
      Set.of("40001", "40P01", "55P03", "57P01", "57P02", "57P03");

  final String urlPrefix;
  final String migrationFolder;

  /**
   * Deletes up to {@code ?2} inbox entries received before {@code ?1}, a batch picked by the row's
   * physical id (the inbox's key is two columns).
   */
  final String pruneInboxSql;

  Dialect(String urlPrefix, String migrationFolder, String pruneInboxSql) {
    this.urlPrefix = urlPrefix;
    this.migrationFolder = migrationFolder;
    this.pruneInboxSql = pruneInboxSql;
  }

  /**
   * @throws IllegalArgumentException for a URL of another database
   */
  public static Dialect of(String jdbcUrl) {
    for (Dialect dialect : values()) {
      if (jdbcUrl.startsWith(dialect.urlPrefix)) {
        return dialect;
      }
    }
    throw new IllegalArgumentException(
        "unsupported database URL (use jdbc:sqlite:FILE or jdbc:postgresql://...): "
            + Redaction.redactText(jdbcUrl));
  }

  /**
   * SQLite: BUSY or LOCKED, another writer holds the file (the primary code, masked in case an
   * extended one is reported). PostgreSQL: {@link #TRANSIENT_SQL_STATES} or class 08.
   */
  boolean isTransientItself(SQLException e) {
    if (this == SQLITE) {
      int primary = e.getErrorCode() & 0xff;
      return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
    }
    String state = e.getSQLState();
    return state != null && (TRANSIENT_SQL_STATES.contains(state) || state.startsWith("08"));
  }
}
