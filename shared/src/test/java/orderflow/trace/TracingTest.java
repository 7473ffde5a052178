package orderflow.trace;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingTest {
  @Test
  void offUnlessTheFlagOrAnExporterAsksForIt() {
    assertFalse(Tracing.wanted(false, Map.<String, String>of()::get));
    assertFalse(Tracing.wanted(false, Map.of("OTEL_TRACES_EXPORTER", "none")::get));
    assertFalse(Tracing.wanted(false, Map.of("OTEL_TRACES_EXPORTER", " ")::get));
    assertTrue(Tracing.wanted(false, Map.of("OTEL_TRACES_EXPORTER", "otlp")::get));
    assertTrue(Tracing.wanted(true, Map.<String, String>of()::get));
  }

  @Test
  void offIsTheNoopTracerWhoseSpansAreNeverRecorded() {
    assertSame(Tracing.OFF, Tracing.fromEnv(false, "inventory", Map.<String, String>of()::get));
    assertFalse(Tracing.OFF.on());
    assertFalse(
        Tracing.OFF.tracer().spanBuilder("x").startSpan().getSpanContext().isValid(),
        "a no-op span");
  }

  @Test
  void otlpGoesOverHttpWithTheJdkClientUnlessGrpcIsAskedForWhichIsRefusedInOneLine() {
    System.setProperty("otel.traces.exporter", "otlp");
    try (Tracing tracing = Tracing.fromEnv(true, "inventory", Map.<String, String>of()::get)) {
      assertTrue(tracing.on());
    } finally {
      System.clearProperty("otel.traces.exporter");
    }
    System.setProperty("otel.exporter.otlp.protocol", "grpc");
    try {
      IllegalArgumentException refusal =
          assertThrows(
              IllegalArgumentException.class,
              () -> Tracing.fromEnv(true, "inventory", Map.<String, String>of()::get));
      assertTrue(refusal.getMessage().startsWith("tracing: "), refusal.getMessage());
    } finally {
      System.clearProperty("otel.exporter.otlp.protocol");
    }
  }

  @Test
  void theFlagStartsTheSdkConfiguredByTheEnvironment() {
    // The logging exporter: nothing listens for OTLP here. Autoconfigure reads the real
    // environment and system properties; the exporter is named by a system property.
    System.setProperty("otel.traces.exporter", "logging");
    try (Tracing tracing = Tracing.fromEnv(true, "inventory", Map.<String, String>of()::get)) {
      assertTrue(tracing.on());
      assertTrue(tracing.tracer().spanBuilder("x").startSpan().getSpanContext().isValid());
    } finally {
      System.clearProperty("otel.traces.exporter");
    }
  }
}
