package orderflow.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Real databases for tests: a fresh SQLite file, or a fresh schema in the PostgreSQL at {@code
 * ORDERS_TEST_POSTGRES_URL} (default {@value #DEFAULT_POSTGRES}). No fallback that skips: an
 * unreachable PostgreSQL fails the test with a message that says how to provide one.
 */
public final class TestDatabases {
  public static final String DEFAULT_POSTGRES =
      "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  private TestDatabases() {}

  public static String sqlite(Path directory) {
    return "jdbc:sqlite:" + directory.resolve("test-" + UUID.randomUUID() + ".db");
  }

  /** Creates a new schema and returns a URL whose connections use it. */
  public static String freshPostgresSchema() {
    String base = System.getenv().getOrDefault("ORDERS_TEST_POSTGRES_URL", DEFAULT_POSTGRES);
    String schema = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection connection = DriverManager.getConnection(base);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL for tests is not reachable at "
              + base
              + " ("
              + e.getMessage()
              + "); set ORDERS_TEST_POSTGRES_URL or start PostgreSQL",
          e);
    }
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /** Drops the schema of a {@link #freshPostgresSchema} URL, with everything in it. */
  public static void dropPostgresSchema(String url) throws SQLException {
    String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }
}
