package orderflow.shipping;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import orderflow.envelope.ShippingAddress;

/**
 * Picks an order's carrier and makes tracking numbers. The choice depends only on the order id, so
 * every instance and every redelivery picks the same carrier for the same order.
 */
final class Carriers {
  record Carrier(String name, String trackingPrefix) {}

  static final List<Carrier> ALL =
      List.of(
          new Carrier("DHL", "JD"),
          new Carrier("UPS", "1Z"),
          new Carrier("FedEx", "FX"),
          new Carrier("PostNL", "3S"));

  private static final int TRACKING_DIGITS = 16;

  /** Countries no carrier serves (a rule tests and the demo trigger on purpose). */
  static final Set<String> UNSERVED_COUNTRIES = Set.of("AQ");

  private Carriers() {}

  static Carrier forOrder(String orderId) {
    // String.hashCode is specified by the JLS, so this is stable across JVMs and restarts.
    return ALL.get(Math.floorMod(orderId.hashCode(), ALL.size()));
  }

  /** Why no carrier can take the order, or empty if one can (or it has no address). */
  static Optional<String> refusal(ShippingAddress address) {
    return Optional.ofNullable(address)
        .map(ShippingAddress::country)
        .filter(UNSERVED_COUNTRIES::contains)
        .map(country -> "no carrier serves destination country " + country);
  }

  /** The carrier's prefix and the first hex digits of the shipment id: unique per shipment. */
  static String trackingNumber(Carrier carrier, String shipmentId) {
    String digits = shipmentId.replace("-", "").toUpperCase(Locale.ROOT);
    return carrier.trackingPrefix()
        + digits.substring(0, Math.min(TRACKING_DIGITS, digits.length()));
  }
}
