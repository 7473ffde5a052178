package orderflow.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import orderflow.store.Database;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL restart, as the service's pooled connections meet it (their backends terminated),
 * logged with the service's own logging configuration: no stack trace, the caller reports it.
 */
class PostgresRestartLogIT {
  private final String url = TestDatabases.freshPostgresSchema();

  @AfterEach
  void dropSchema() throws SQLException {
    TestDatabases.dropPostgresSchema(url);
  }

  @Test
  void aBrokenPooledConnectionWritesNoStackTrace() throws Exception {
    String application = "restart-" + UUID.randomUUID();
    String own = url + "&ApplicationName=" + application;
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (Database database = Database.open(own)) {
      selectOne(database);
      try (Connection other = DriverManager.getConnection(url);
          Statement statement = other.createStatement()) {
        statement.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE application_name = '"
                + application
                + "'");
      }
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      SQLException failure = assertThrows(SQLException.class, () -> selectOne(database));
      assertEquals("57P01", failure.getSQLState());
      // Each broken pooled connection fails once and is replaced.
      boolean answered = false;
      for (int attempt = 0; attempt < 10 && !answered; attempt++) {
        try {
          selectOne(database);
          answered = true;
        } catch (SQLException e) {
          assertEquals("57P01", e.getSQLState());
        }
      }
      assertTrue(answered);
    } finally {
      System.setErr(stderr);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertFalse(log.contains("\tat "), log);
  }

  private static void selectOne(Database database) throws SQLException {
    try (Connection connection = database.open();
        Statement statement = connection.createStatement()) {
      statement.execute("SELECT 1");
      connection.commit();
    }
  }
}
