package orderflow.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The process's tracer: {@link #OFF} unless {@code --tracing} or {@code OTEL_TRACES_EXPORTER} asks,
 * then the SDK configured by the {@code OTEL_*} variables. Thread-safe.
 */
public final class Tracing implements AutoCloseable {
  private static final String EXPORTER_VARIABLE = "OTEL_TRACES_EXPORTER";
  public static final Tracing OFF = new Tracing(OpenTelemetry.noop(), false, null);

  private final Tracer tracer;
  private final boolean on;
  private final OpenTelemetrySdk owned;

  private Tracing(OpenTelemetry openTelemetry, boolean on, OpenTelemetrySdk owned) {
    this.tracer = openTelemetry.getTracer("orderflow");
    this.on = on;
    this.owned = owned;
  }

  /** Traces with {@code openTelemetry}, which the caller shuts down (tests: an in-memory SDK). */
  public static Tracing with(OpenTelemetry openTelemetry) {
    return new Tracing(openTelemetry, true, null);
  }

  /** Defaults: {@code serviceName}, OTLP over HTTP (no gRPC sender in the jars), no metrics. */
  public static Tracing fromEnv(
      boolean flag, String serviceName, Function<String, String> environment) {
    if (!wanted(flag, environment)) {
      return OFF;
    }
    try {
      OpenTelemetrySdk sdk =
          AutoConfiguredOpenTelemetrySdk.builder()
              .addPropertiesSupplier(
                  () ->
                      Map.of(
                          "otel.service.name", serviceName,
                          "otel.exporter.otlp.protocol", "http/protobuf",
                          "otel.metrics.exporter", "none",
                          "otel.logs.exporter", "none"))
              .disableShutdownHook()
              .build()
              .getOpenTelemetrySdk();
      return new Tracing(sdk, true, sdk);
    } catch (ConfigurationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalArgumentException(
          "tracing: the OTEL_* configuration is unusable: " + cause.getMessage(), e);
    }
  }

  static boolean wanted(boolean flag, Function<String, String> environment) {
    String exporter = environment.apply(EXPORTER_VARIABLE);
    return flag || (exporter != null && !exporter.isBlank() && !exporter.trim().equals("none"));
  }

  public Tracer tracer() {
    return tracer;
  }

  /** False for {@link #OFF}: callers skip building spans altogether. */
  public boolean on() {
    return on;
  }

  /** Exports what is buffered and stops an SDK this instance made. */
  @Override
  public void close() {
    if (owned != null) {
      owned.shutdown().join(5, TimeUnit.SECONDS);
    }
  }
}
