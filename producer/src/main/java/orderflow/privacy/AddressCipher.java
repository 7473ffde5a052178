package orderflow.privacy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import orderflow.config.LogSafe;
import orderflow.envelope.EventType;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.ShippingAddress;

/**
 * The personal fields of a shipping address under the customer's data key, each bound to its order
 * and field so a moved value does not decrypt; a value names its key, so one whose key is gone
 * reads as erased, never as anyone else's data.
 */
public record AddressCipher(CustomerKeys keys) {
  private static final String PREFIX = "enc1.";

  public AddressCipher(MasterKeys master) {
    this(new CustomerKeys(master));
  }

  public static AddressCipher fromEnvironment() {
    try {
      return new AddressCipher(MasterKeys.load(System::getenv));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the master key: " + e.getMessage(), e);
    }
  }

  /** {@code address} with its personal fields encrypted; as it is when it has none. */
  public ShippingAddress seal(
      Connection connection, String orderId, String customerId, ShippingAddress address)
      throws SQLException {
    if (address == null || address.hasNoPersonalData()) {
      return address;
    }
    CustomerKeys.DataKey key = keys.forWriting(connection, customerId);
    return new ShippingAddress(
        seal(key, orderId, "street", address.street()),
        seal(key, orderId, "city", address.city()),
        seal(key, orderId, "postalCode", address.postalCode()),
        address.country());
  }

  private static String seal(CustomerKeys.DataKey key, String orderId, String field, String text) {
    if (text == null) {
      return null;
    }
    byte[] sealed =
        MasterKeys.seal(key.key(), text.getBytes(StandardCharsets.UTF_8), binding(orderId, field));
    return PREFIX + key.id() + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sealed);
  }

  /** The address in clear; empty when erased; IllegalStateException when a value was changed. */
  public Optional<ShippingAddress> open(Connection connection, OrderCreated order)
      throws SQLException {
    ShippingAddress address = order.shippingAddress();
    if (address == null || address.hasNoPersonalData()) {
      return Optional.ofNullable(address);
    }
    Optional<CustomerKeys.DataKey> key = keys.current(connection, order.customerId());
    if (key.isEmpty()
        || !Stream.of(address.street(), address.city(), address.postalCode())
            .filter(Objects::nonNull)
            .allMatch(value -> value.split("\\.", 3)[1].equals(key.get().id()))) {
      return Optional.empty();
    }
    return Optional.of(
        new ShippingAddress(
            open(key.get(), order.orderId(), "street", address.street()),
            open(key.get(), order.orderId(), "city", address.city()),
            open(key.get(), order.orderId(), "postalCode", address.postalCode()),
            address.country()));
  }

  private static String open(CustomerKeys.DataKey key, String orderId, String field, String value) {
    if (value == null) {
      return null;
    }
    try {
      byte[] sealed = Base64.getUrlDecoder().decode(value.split("\\.", 3)[2]);
      return new String(
          MasterKeys.open(key.key(), sealed, binding(orderId, field)), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "shippingAddress."
              + field
              + " of order "
              + LogSafe.escape(orderId)
              + " does not decrypt: changed, or moved from another order or field");
    }
  }

  private static String binding(String orderId, String field) {
    return EventType.ORDER_CREATED.wireName() + "\n" + orderId + "\n" + field;
  }
}
