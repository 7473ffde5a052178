package orderflow.envelope;

/** A cancellation came too late (shipped or failed already): a business outcome. */
public record CancellationRefused(String orderId, String reason) implements EventPayload {
  public CancellationRefused {
    Require.id(orderId, "orderId");
    Require.reason(reason, "reason");
  }
}
