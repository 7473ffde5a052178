package orderflow.envelope;

import java.util.List;

/** The order could not be served whole; nothing was reserved. A business outcome, not a failure. */
public record InventoryRejected(String orderId, List<Shortage> shortages) implements EventPayload {
  public InventoryRejected {
    Require.id(orderId, "orderId");
    shortages = Require.nonEmpty(shortages, "shortages");
  }
}
