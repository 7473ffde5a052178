package orderflow.consume;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import orderflow.consume.process.ServiceMain;
import orderflow.store.Database;
import orderflow.testing.TestSettings;
import orderflow.topology.RetryTiers;

/** What the integration tests of a running {@link ScriptedService} share. */
final class ServiceFixture {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ServiceFixture() {}

  /**
   * One retry after 300 ms, a breaker that does not open, batches of 10, HTTP on a free port; a
   * test sets what it is about on top.
   */
  static TestSettings.Builder quickSettings() {
    return TestSettings.builder()
        .prefetch(50)
        .tiers(RetryTiers.parse("300ms"))
        .maxRetries(1)
        .injectFailureRate(0)
        .breakerThreshold(1000)
        .breakerReset(Duration.ofSeconds(1))
        .batchSize(10)
        .shutdownTimeout(Duration.ofSeconds(10))
        .httpPort(0);
  }

  /** Rows in the service's {@code applied} table: total and distinct orders. */
  static long[] appliedCounts(String dbUrl) {
    try (Database database = Database.open(dbUrl);
        Connection connection = database.open()) {
      return ScriptedService.appliedCounts(connection);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** GET {@code path} from the service's HTTP server. */
  static HttpResponse<String> get(ServiceMain.RunningService service, String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
