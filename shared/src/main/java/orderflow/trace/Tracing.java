package orderflow.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The process's tracer. Off by default ({@link #OFF}: the no-op OpenTelemetry, whose spans are
 * never recorded); on with {@code --tracing} or {@code OTEL_TRACES_EXPORTER} set to an exporter,
 * then the SDK is configured by the standard {@code OTEL_*} variables (autoconfigure).
 *
 * <p>This class is thread-safe.
 */
public final class Tracing implements AutoCloseable {
  public static final String EXPORTER_VARIABLE = "OTEL_TRACES_EXPORTER";
  public static final String INSTRUMENTATION = "orderflow";
  public static final Tracing OFF = new Tracing(OpenTelemetry.noop(), false, null);

  private final Tracer tracer;
  private final boolean on;
  private final OpenTelemetrySdk owned;

  private Tracing(OpenTelemetry openTelemetry, boolean on, OpenTelemetrySdk owned) {
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
    this.on = on;
    this.owned = owned;
  }

  /** Traces with {@code openTelemetry}, which the caller shuts down (tests: an in-memory SDK). */
  public static Tracing with(OpenTelemetry openTelemetry) {
    return new Tracing(Objects.requireNonNull(openTelemetry, "openTelemetry"), true, null);
  }

  /**
   * {@link #OFF} unless {@link #wanted}; otherwise an SDK from the {@code OTEL_*} variables, with
   * {@code serviceName} unless {@code OTEL_SERVICE_NAME} says otherwise, OTLP over HTTP (the JDK's
   * client; there is no gRPC sender in the jars) unless {@code OTEL_EXPORTER_OTLP_PROTOCOL} says
   * otherwise, and no metrics or logs exported (the services export metrics to Prometheus).
   *
   * @throws IllegalArgumentException when the {@code OTEL_*} configuration is unusable
   */
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

  /** The flag, or an exporter named in {@code OTEL_TRACES_EXPORTER} (not {@code none}). */
  public static boolean wanted(boolean flag, Function<String, String> environment) {
    String exporter = environment.apply(EXPORTER_VARIABLE);
    return flag || (exporter != null && !exporter.isBlank() && !exporter.trim().equals("none"));
  }

  public Tracer tracer() {
    return tracer;
  }

  /** False for {@link #OFF}: callers skip building spans and attributes altogether. */
  public boolean on() {
    return on;
  }

  /** Exports what is buffered and stops the SDK this instance made; waits at most 5 s. */
  @Override
  public void close() {
    if (owned != null) {
      owned.shutdown().join(5, TimeUnit.SECONDS);
    }
  }
}
