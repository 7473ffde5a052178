package orderflow.orderservice;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import orderflow.config.LogSafe;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventLimits;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.envelope.ShippingAddress;
import orderflow.privacy.AddressCipher;

/**
 * The body of {@code POST /orders}, validated by the envelope's own rules ({@link OrderItem},
 * {@link ShippingAddress}, {@link OrderCreated}), so the API accepts exactly what an {@code
 * OrderCreated} can carry: {@code customerId}, {@code items} and an optional {@code
 * shippingAddress} ({@code country} required in it; {@code street}, {@code city}, {@code
 * postalCode} optional), which becomes version 3's {@code shippingAddress}, those three encrypted.
 * Immutable.
 *
 * @param shippingAddress in clear; null when the request has none
 */
record NewOrder(String customerId, List<OrderItem> items, ShippingAddress shippingAddress) {
  NewOrder {
    items = List.copyOf(items);
  }

  /**
   * @throws InvalidRequestException naming the first field at fault
   */
  static NewOrder parse(byte[] body) {
    if (body.length == 0) {
      throw new InvalidRequestException("body", "body: a JSON object is required");
    }
    JsonNode root = RequestJson.read(body);
    if (!root.isObject()) {
      throw new InvalidRequestException("body", "body: must be a JSON object");
    }
    String customerId = text(root, "customerId", "customerId");
    JsonNode itemsNode = root.get("items");
    if (itemsNode == null || !itemsNode.isArray() || itemsNode.isEmpty()) {
      throw new InvalidRequestException("items", "items: must be a non-empty array");
    }
    if (itemsNode.size() > EventLimits.MAX_ITEMS) {
      throw new InvalidRequestException(
          "items", "items: at most " + EventLimits.MAX_ITEMS + " lines, was " + itemsNode.size());
    }
    List<OrderItem> items = new ArrayList<>();
    for (int i = 0; i < itemsNode.size(); i++) {
      items.add(item(itemsNode.get(i), "items[" + i + "]"));
    }
    NewOrder order = new NewOrder(customerId, items, shippingAddress(root.get("shippingAddress")));
    try {
      OrderCreated.of("validation", customerId, items);
    } catch (IllegalArgumentException e) {
      throw fromRule("", e);
    }
    return order;
  }

  /**
   * The {@code OrderCreated} payload of this order under {@code orderId}, its address's personal
   * fields encrypted by {@code cipher} (which may make the customer's data key on {@code
   * connection}).
   */
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

  private static OrderItem item(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new InvalidRequestException(path, path + ": must be an object");
    }
    String productId = text(node, "productId", path + ".productId");
    JsonNode quantity = node.get("quantity");
    if (quantity == null || !quantity.isIntegralNumber() || !quantity.canConvertToInt()) {
      throw new InvalidRequestException(
          path + ".quantity", path + ".quantity: must be a positive integer");
    }
    JsonNode price = node.get("price");
    if (price == null || !price.isNumber()) {
      throw new InvalidRequestException(path + ".price", path + ".price: must be a decimal number");
    }
    try {
      return new OrderItem(productId, quantity.intValue(), price.decimalValue());
    } catch (IllegalArgumentException e) {
      throw fromRule(path + ".", e);
    }
  }

  private static ShippingAddress shippingAddress(JsonNode node) {
    String path = "shippingAddress";
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new InvalidRequestException(path, path + ": must be an object");
    }
    try {
      return new ShippingAddress(
          optionalText(node, "street", path + ".street"),
          optionalText(node, "city", path + ".city"),
          optionalText(node, "postalCode", path + ".postalCode"),
          text(node, "country", path + ".country"));
    } catch (IllegalArgumentException e) {
      throw fromRule("", e);
    }
  }

  private static String optionalText(JsonNode node, String name, String path) {
    JsonNode value = node.get(name);
    return value == null || value.isNull() ? null : text(node, name, path);
  }

  private static String text(JsonNode node, String name, String path) {
    JsonNode value = node.get(name);
    if (value == null || !value.isTextual()) {
      throw new InvalidRequestException(path, path + ": must be a string");
    }
    return value.asText();
  }

  /** The envelope's rules start their message with the field's name. */
  private static InvalidRequestException fromRule(String prefix, IllegalArgumentException e) {
    String message = LogSafe.escape(String.valueOf(e.getMessage()), 300);
    int space = message.indexOf(' ');
    String field = prefix + (space > 0 ? message.substring(0, space) : "body");
    return new InvalidRequestException(field, prefix + message);
  }
}
