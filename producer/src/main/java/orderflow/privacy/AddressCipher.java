package orderflow.privacy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import orderflow.config.LogSafe;
import orderflow.envelope.EventType;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.ShippingAddress;

/**
 * Encrypts and decrypts the personal fields of an order's shipping address under its customer's
 * data key. A value's associated data is {@code OrderCreated}, the order id and the field, so a
 * value moved to another order or field does not decrypt; a value names its key, so one whose key
 * is gone reads as erased, never as anyone else's data. Thread-safe.
 */
public final class AddressCipher {
  private static final String PREFIX = "enc1.";
  private final CustomerKeys keys;

  public AddressCipher(MasterKeys master) {
    this.keys = new CustomerKeys(Objects.requireNonNull(master, "master"));
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

  /**
   * The order's address in clear, or empty when the key of one of its values is gone (erased).
   *
   * @throws IllegalStateException when a value does not decrypt: changed, or moved from another
   *     order or field
   */
  public Optional<ShippingAddress> open(Connection connection, OrderCreated order)
      throws SQLException {
    ShippingAddress address = order.shippingAddress();
    if (address == null || address.hasNoPersonalData()) {
      return Optional.ofNullable(address);
    }
    Optional<CustomerKeys.DataKey> key = keys.current(connection, order.customerId());
    String[] clear = new String[3];
    String[] fields = {"street", "city", "postalCode"};
    String[] values = {address.street(), address.city(), address.postalCode()};
    for (int i = 0; i < 3; i++) {
      if (values[i] == null) {
        continue;
      }
      String[] parts = values[i].split("\\.", 3);
      if (key.isEmpty() || !key.get().id().equals(parts[1])) {
        return Optional.empty();
      }
      try {
        byte[] text =
            MasterKeys.open(
                key.get().key(),
                Base64.getUrlDecoder().decode(parts[2]),
                binding(order.orderId(), fields[i]));
        clear[i] = new String(text, StandardCharsets.UTF_8);
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        throw new IllegalStateException(
            "shippingAddress."
                + fields[i]
                + " of order "
                + LogSafe.escape(order.orderId())
                + " does not decrypt: changed, or moved from another order or field");
      }
    }
    return Optional.of(new ShippingAddress(clear[0], clear[1], clear[2], address.country()));
  }

  private static String binding(String orderId, String field) {
    return EventType.ORDER_CREATED.wireName() + "\n" + orderId + "\n" + field;
  }
}
