package orderflow.store;

/** The SQL databases the services support. */
public enum Dialect {
  SQLITE,
  POSTGRESQL;

  public static Dialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException(
        "unsupported database URL (use jdbc:sqlite:FILE or jdbc:postgresql://...): "
            + orderflow.config.Redaction.redactText(jdbcUrl));
  }
}
