package orderflow.producer;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * The {@code memory} traces exporter for autoconfigure ({@code otel.traces.exporter=memory}): a
 * command run in-process with {@code --tracing} exports into {@link #SPANS}, which outlives the
 * command's SDK (its shutdown would clear an {@link InMemorySpanExporter}).
 */
public final class MemoryExporterProvider implements ConfigurableSpanExporterProvider {
  static final String NAME = "memory";
  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

  @Override
  public SpanExporter createExporter(ConfigProperties config) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        return SPANS.export(spans);
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
  }

  @Override
  public String getName() {
    return NAME;
  }
}
