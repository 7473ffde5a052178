package orderflow.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CarriersTest {
  @Test
  void theCarrierDependsOnlyOnTheOrderIdAndNeverChanges() {
    // Fixed expectations: a change of the choice would move existing orders between carriers.
    assertEquals("UPS", Carriers.forOrder("order-42").name());
    assertEquals("PostNL", Carriers.forOrder("o-1").name());
    assertEquals("DHL", Carriers.forOrder("o-2").name());
  }

  @Test
  void ordersAreSpreadOverEveryCarrier() {
    Set<Carriers.Carrier> used = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      used.add(Carriers.forOrder("order-" + i));
    }
    assertEquals(Set.copyOf(Carriers.ALL), used);
  }

  @Test
  void trackingNumberIsTheCarriersPrefixAndSixteenDigitsOfTheShipmentId() {
    Carriers.Carrier ups = new Carriers.Carrier("UPS", "1Z");
    String tracking = Carriers.trackingNumber(ups, "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");
    assertEquals("1Z0A1B2C3D4E5F6071", tracking);
    assertTrue(tracking.matches("1Z[0-9A-F]{16}"));
  }
}
