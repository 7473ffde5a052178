package orderflow.envelope;

/**
 * A cancellation came too late: the order had already shipped (or already failed), and stays as it
 * was. A business outcome, not a failure.
 */
public record CancellationRefused(String orderId, String reason) implements EventPayload {
  public CancellationRefused {
    Require.id(orderId, "orderId");
    Require.reason(reason, "reason");
  }
}
