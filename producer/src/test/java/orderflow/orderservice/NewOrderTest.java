package orderflow.orderservice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.ShippingAddress;
import orderflow.privacy.AddressCipher;
import orderflow.privacy.MasterKeys;
import orderflow.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewOrderTest {
  private static final String ITEMS =
      "\"customerId\":\"carol\",\"items\":[{\"productId\":\"sku-1\",\"quantity\":2,\"price\":2.50}]";

  static final AddressCipher CIPHER = cipher();

  @Test
  void aShippingAddressBecomesTheOrderCreatedShippingAddressEncrypted(@TempDir Path dir)
      throws Exception {
    NewOrder order =
        parse(
            "{"
                + ITEMS
                + ",\"shippingAddress\":{\"country\":\"NL\",\"city\":\"Utrecht\","
                + "\"street\":\"Oudegracht 1\",\"postalCode\":\"3511 AA\"}}");

    try (Database database = Database.open("jdbc:sqlite:" + dir.resolve("o.db"))) {
      database.migrate(OrderService.NAME);
      try (Connection connection = database.open()) {
        OrderCreated event = order.toEvent("o-1", CIPHER, connection);

        assertTrue(event.shippingAddress().isSealed());
        assertEquals(
            Optional.of(new ShippingAddress("Oudegracht 1", "Utrecht", "3511 AA", "NL")),
            CIPHER.open(connection, event));
      }
    }
  }

  @Test
  void aCountryAloneIsEnoughAndNeedsNoKey() throws Exception {
    OrderCreated event =
        parse("{" + ITEMS + ",\"shippingAddress\":{\"country\":\"AQ\"}}")
            .toEvent("o-1", CIPHER, null);

    assertEquals(ShippingAddress.country("AQ"), event.shippingAddress());
  }

  @Test
  void withoutAnAddressTheOrderHasNoneAndItsFingerprintIsUnchanged() throws Exception {
    NewOrder order = parse("{" + ITEMS + "}");
    NewOrder withNull = parse("{" + ITEMS + ",\"shippingAddress\":null}");

    assertNull(order.toEvent("o-1", CIPHER, null).shippingAddress());
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

  @Test
  void refusesABadBodyNamingTheField() {
    String item = "{\"productId\":\"sku-1\",\"quantity\":2,\"price\":2.50}";
    for (String[] bad :
        new String[][] {
          {"body", ""},
          {"body", "{not json"},
          {"body", "[]"},
          {"body", "null"},
          {"body", "{\"customerId\":\"c\",\"items\":[" + item + "]} {}"},
          {"customerId", "{\"items\":[]}"},
          {"customerId", "{\"customerId\":7,\"items\":[" + item + "]}"},
          {"items", "{\"customerId\":\"c\",\"items\":[]}"},
          {"items", "{\"customerId\":\"c\",\"items\":{}}"},
          {
            "items[0].quantity",
            "{\"customerId\":\"c\",\"items\":[" + item.replace("2,", "2.5,") + "]}"
          },
          {
            "items[0].quantity",
            "{\"customerId\":\"c\",\"items\":[" + item.replace("2,", "0,") + "]}"
          },
          {
            "items[0].price",
            "{\"customerId\":\"c\",\"items\":[" + item.replace("2.50", "\"2.50\"") + "]}"
          },
          {
            "items[0].price",
            "{\"customerId\":\"c\",\"items\":[{\"productId\":\"p\",\"quantity\":1}]}"
          },
          {
            "items[0].productId",
            "{\"customerId\":\"c\",\"items\":[" + item.replace("sku-1", "bad sku") + "]}"
          },
        }) {
      InvalidRequestException e =
          assertThrows(
              InvalidRequestException.class,
              () -> NewOrder.parse(bad[1].getBytes(StandardCharsets.UTF_8)),
              bad[1]);
      assertEquals(bad[0], e.field(), bad[1] + " -> " + e.getMessage());
      assertTrue(e.getMessage().startsWith(bad[0]), e.getMessage());
    }
  }

  @Test
  void aCancellationReasonIsOptionalAndHeldToTheEventsRule() {
    assertEquals(CancelRequest.DEFAULT_REASON, CancelRequest.reason(new byte[0]));
    assertEquals(CancelRequest.DEFAULT_REASON, CancelRequest.reason("{}".getBytes()));
    assertEquals("late", CancelRequest.reason("{\"reason\":\"late\"}".getBytes()));
    for (String bad :
        new String[] {"{\"reason\":\"\"}", "{\"reason\":5}", "{\"reason\":\"a\\nb\"}"}) {
      InvalidRequestException e =
          assertThrows(InvalidRequestException.class, () -> CancelRequest.reason(bad.getBytes()));
      assertEquals("reason", e.field(), bad);
    }
    assertEquals(
        "body",
        assertThrows(InvalidRequestException.class, () -> CancelRequest.reason("[1]".getBytes()))
            .field());
  }

  /** A cipher under a fixed test master key. */
  static AddressCipher cipher() {
    try {
      return new AddressCipher(
          MasterKeys.load(
              Map.of(
                      MasterKeys.KEYS_ENV,
                      "test:" + Base64.getEncoder().encodeToString(new byte[32]))
                  ::get));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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
