package orderflow.envelope;

/**
 * Who emitted an event and where it sits in the saga: {@code correlationId} is the order's id for
 * the whole saga, {@code causationId} the eventId of the event that caused this one (null for the
 * first).
 */
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
