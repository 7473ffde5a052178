package orderflow.consume.options;

import picocli.CommandLine.Option;

/** The {@code --db} option of a service and its query commands. Use as a picocli {@code @Mixin}. */
public final class DatabaseOptions {
  @Option(
      names = "--db",
      paramLabel = "JDBC_URL",
      description =
          "Database: jdbc:sqlite:FILE (default jdbc:sqlite:data/<service>.db) or"
              + " jdbc:postgresql://host:5432/db?user=..")
  String url;

  /** The URL given, or the service's SQLite file under {@code data/}. */
  public String url(String serviceName) {
    return url == null || url.isBlank() ? "jdbc:sqlite:data/" + serviceName + ".db" : url;
  }
}
