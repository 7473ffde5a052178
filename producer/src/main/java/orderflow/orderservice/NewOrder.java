package orderflow.orderservice;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import orderflow.envelope.EventCodec;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.envelope.ShippingAddress;
import orderflow.privacy.AddressCipher;

/**
 * The body of {@code POST /orders}, held to {@link OrderCreated}'s own rules plus a price on every
 * item, so the API accepts exactly what the event can carry. Throws IllegalArgumentException
 * beginning with the field at fault. Immutable.
 */
record NewOrder(String customerId, List<OrderItem> items, ShippingAddress shippingAddress) {
  NewOrder {
    items = OrderCreated.of("validation", customerId, items == null ? List.of() : items).items();
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).price() == null) {
        throw new IllegalArgumentException("items[" + i + "].price must be a decimal number");
      }
    }
  }

  static NewOrder parse(byte[] body) {
    return RequestJson.read(body, NewOrder.class);
  }

  /** The order's {@code OrderCreated}, its address's personal fields encrypted. */
  OrderCreated toEvent(String orderId, AddressCipher cipher, Connection connection)
      throws SQLException {
    return OrderCreated.of(
        orderId, customerId, items, cipher.seal(connection, orderId, customerId, shippingAddress));
  }

  /** A digest of what was asked, so a key reused for another request is recognised. */
  String fingerprint() {
    try {
      // Without an address, the same text as before addresses existed: stored keys still match.
      String canonical =
          customerId
              + "\n"
              + EventCodec.mapper().writeValueAsString(items)
              + (shippingAddress == null
                  ? ""
                  : "\n" + EventCodec.mapper().writeValueAsString(shippingAddress));
      return IdempotencyKeys.fingerprint(canonical);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot fingerprint an order", e);
    }
  }
}
