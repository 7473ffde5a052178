package orderflow.envelope;

/** {@code correlationId}: the saga's order id; {@code causationId}: the causing event, or null. */
public record EventMetadata(
    String source, String version, String correlationId, String causationId) {
  public EventMetadata {
    Require.id(source, "metadata.source");
    Require.id(version, "metadata.version");
    Require.id(correlationId, "metadata.correlationId");
    if (causationId != null) {
      Require.id(causationId, "metadata.causationId");
    }
  }
}
