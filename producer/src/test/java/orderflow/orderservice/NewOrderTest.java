package orderflow.orderservice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.ShippingAddress;
import org.junit.jupiter.api.Test;

class NewOrderTest {
  private static final String ITEMS =
      "\"customerId\":\"carol\",\"items\":[{\"productId\":\"sku-1\",\"quantity\":2,\"price\":2.50}]";

  @Test
  void aShippingAddressBecomesTheOrderCreatedShippingAddress() {
    NewOrder order =
        parse(
            "{"
                + ITEMS
                + ",\"shippingAddress\":{\"country\":\"NL\",\"city\":\"Utrecht\","
                + "\"street\":\"Oudegracht 1\",\"postalCode\":\"3511 AA\"}}");

    OrderCreated event = order.toEvent("o-1");

    assertEquals(
        new ShippingAddress("Oudegracht 1", "Utrecht", "3511 AA", "NL"), event.shippingAddress());
  }

  @Test
  void aCountryAloneIsEnough() {
    OrderCreated event =
        parse("{" + ITEMS + ",\"shippingAddress\":{\"country\":\"AQ\"}}").toEvent("o-1");

    assertEquals(ShippingAddress.country("AQ"), event.shippingAddress());
  }

  @Test
  void withoutAnAddressTheOrderHasNoneAndItsFingerprintIsUnchanged() {
    NewOrder order = parse("{" + ITEMS + "}");
    NewOrder withNull = parse("{" + ITEMS + ",\"shippingAddress\":null}");

    assertNull(order.toEvent("o-1").shippingAddress());
    assertEquals(order.fingerprint(), withNull.fingerprint());
    // The fingerprint keys stored before addresses existed were over customer and items only.
    assertEquals(
        new NewOrder(order.customerId(), order.items(), null).fingerprint(), order.fingerprint());
  }

  @Test
  void anotherAddressIsAnotherRequestForAnIdempotencyKey() {
    String nl = parse("{" + ITEMS + ",\"shippingAddress\":{\"country\":\"NL\"}}").fingerprint();
    String be = parse("{" + ITEMS + ",\"shippingAddress\":{\"country\":\"BE\"}}").fingerprint();

    assertNotEquals(nl, be);
    assertNotEquals(parse("{" + ITEMS + "}").fingerprint(), nl);
  }

  @Test
  void refusesABadAddressNamingTheField() {
    assertField("shippingAddress", ",\"shippingAddress\":\"NL\"");
    assertField("shippingAddress.country", ",\"shippingAddress\":{}");
    assertField("shippingAddress.country", ",\"shippingAddress\":{\"country\":\"nl\"}");
    assertField("shippingAddress.country", ",\"shippingAddress\":{\"country\":\"NLD\"}");
    assertField("shippingAddress.country", ",\"shippingAddress\":{\"country\":1}");
    assertField("shippingAddress.city", ",\"shippingAddress\":{\"country\":\"NL\",\"city\":42}");
    assertField(
        "shippingAddress.street", ",\"shippingAddress\":{\"country\":\"NL\",\"street\":\"\"}");
  }

  private static void assertField(String field, String address) {
    InvalidRequestException e =
        assertThrows(InvalidRequestException.class, () -> parse("{" + ITEMS + address + "}"));
    assertEquals(field, e.field(), e.getMessage());
    assertTrue(e.getMessage().startsWith(field), e.getMessage());
  }

  private static NewOrder parse(String json) {
    return NewOrder.parse(json.getBytes(StandardCharsets.UTF_8));
  }
}
