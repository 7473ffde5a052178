package orderflow.orderservice;

import java.util.ArrayList;
import java.util.List;
import orderflow.envelope.EventEnvelope;

/**
 * Orders whose sagas end every way a saga can: rejected, shipped, failed in shipping, cancelled
 * (and released), and shipped with the cancellation refused; the i-th order ends the (i mod 5)-th
 * way.
 */
public final class SagaMix {
  private SagaMix() {}

  /** The events of {@code count} orders, each order's in the order the services emit them. */
  public static List<List<EventEnvelope>> orders(int count) {
    List<List<EventEnvelope>> orders = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      SagaEvents saga = new SagaEvents("customer-" + (i % 97));
      orders.add(
          switch (i % 5) {
            case 0 -> List.of(saga.created, saga.rejected);
            case 1 -> List.of(saga.created, saga.reserved, saga.shipped);
            case 2 -> List.of(saga.created, saga.reserved, saga.shipmentFailed);
            case 3 ->
                List.of(
                    saga.created,
                    saga.reserved,
                    saga.cancelRequested,
                    saga.shipmentCancelled,
                    saga.released);
            default ->
                List.of(
                    saga.created,
                    saga.reserved,
                    saga.shipped,
                    saga.cancelRequested,
                    saga.cancellationRefused);
          });
    }
    return orders;
  }
}
