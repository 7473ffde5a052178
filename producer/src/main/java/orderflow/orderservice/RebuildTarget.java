package orderflow.orderservice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import orderflow.store.Dialect;

/**
 * A fresh, empty place beside the live database for a read model rebuilt from the stream: a new
 * SQLite file next to the live one, or a new schema in the live PostgreSQL database. Dropped once
 * the rebuilt model has been swapped in.
 */
final class RebuildTarget implements AutoCloseable {
  private static final Pattern CURRENT_SCHEMA = Pattern.compile("([?&])currentSchema=[^&]*");

  private final String url;
  private final Path file;
  private final String liveUrl;
  private final String schema;

  private RebuildTarget(String url, Path file, String liveUrl, String schema) {
    this.url = url;
    this.file = file;
    this.liveUrl = liveUrl;
    this.schema = schema;
  }

  static RebuildTarget beside(String liveUrl) throws SQLException {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    if (Dialect.of(liveUrl) == Dialect.SQLITE) {
      String live = liveUrl.substring("jdbc:sqlite:".length()).replaceFirst("\\?.*$", "");
      Path file = Path.of(live + ".rebuild-" + suffix);
      return new RebuildTarget("jdbc:sqlite:" + file, file, liveUrl, null);
    }
    String schema = "orders_rebuild_" + suffix;
    try (Connection connection = DriverManager.getConnection(liveUrl);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    }
    Matcher existing = CURRENT_SCHEMA.matcher(liveUrl);
    String url =
        existing.find()
            ? existing.replaceFirst("$1currentSchema=" + schema)
            : liveUrl + (liveUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    return new RebuildTarget(url, null, liveUrl, schema);
  }

  String url() {
    return url;
  }

  @Override
  public void close() throws SQLException, IOException {
    if (file != null) {
      for (String extra : new String[] {"", "-wal", "-shm", "-journal"}) {
        Files.deleteIfExists(Path.of(file + extra));
      }
      return;
    }
    try (Connection connection = DriverManager.getConnection(liveUrl);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }
}
