package orderflow.producer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** Sums one counter across the Prometheus {@code /metrics} pages of several services. */
final class MetricsScrape {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private MetricsScrape() {}

  static double sum(List<URI> pages, String metric) throws IOException, InterruptedException {
    double total = 0;
    for (URI page : pages) {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(page).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException(page + " answered " + response.statusCode());
      }
      total += sum(response.body(), metric);
    }
    return total;
  }

  /** Sum of every sample of {@code metric} (all label sets) in a Prometheus text page. */
  static double sum(String page, String metric) {
    return page.lines()
        .filter(line -> line.startsWith(metric + "{") || line.startsWith(metric + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}
