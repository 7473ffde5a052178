package orderflow.trace;

import picocli.CommandLine.Option;

/**
 * The {@code --tracing} flag of a command that publishes (picocli mixin), as the services take it:
 * traces are exported when it is given or {@code OTEL_TRACES_EXPORTER} names an exporter.
 */
public final class TracingOption {
  @Option(
      names = "--tracing",
      description =
          "Export OpenTelemetry traces (configured by the OTEL_* variables; OTLP to"
              + " localhost:4318 by default). Also on when OTEL_TRACES_EXPORTER names an exporter")
  boolean tracing;

  /**
   * The command's tracer, {@link Tracing#OFF} unless asked for; the caller closes it last, which
   * exports what is buffered.
   *
   * @throws IllegalArgumentException when the {@code OTEL_*} configuration is unusable
   */
  public Tracing open(String serviceName) {
    return Tracing.fromEnv(tracing, serviceName, System::getenv);
  }
}
