package orderflow.store;

import java.util.Locale;
import orderflow.config.Redaction;

/**
 * The supported databases and what differs between them. The inbox's prune deletes up to {@code ?2}
 * entries received before {@code ?1}, picked by physical row id (the inbox's key is two columns).
 */
public enum Dialect {
  SQLITE(
      "DELETE FROM inbox WHERE rowid IN (SELECT rowid FROM inbox WHERE received_at < ? LIMIT ?)"),
  POSTGRESQL(
      "DELETE FROM inbox WHERE ctid = ANY(ARRAY("
          + "SELECT ctid FROM inbox WHERE received_at < ? LIMIT ?))");

  /** The name in its JDBC URLs and its migrations' folder: {@code sqlite}, {@code postgresql}. */
  final String id = name().toLowerCase(Locale.ROOT);

  final String urlPrefix = "jdbc:" + id + ":";
  final String pruneInboxSql;

  Dialect(String pruneInboxSql) {
    this.pruneInboxSql = pruneInboxSql;
  }

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
}
