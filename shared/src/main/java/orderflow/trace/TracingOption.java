package orderflow.trace;

import picocli.CommandLine.Option;

/** The {@code --tracing} flag of a command that publishes (picocli mixin). */
public final class TracingOption {
  @Option(
      names = "--tracing",
      description =
          "Export OpenTelemetry traces (configured by the OTEL_* variables; OTLP to"
              + " localhost:4318 by default). Also on when OTEL_TRACES_EXPORTER names an exporter")
  boolean tracing;

  /** The command's tracer; the caller closes it last, which exports what is buffered. */
  public Tracing open(String serviceName) {
    return Tracing.fromEnv(tracing, serviceName, System::getenv);
  }
}
