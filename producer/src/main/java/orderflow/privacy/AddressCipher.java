package orderflow.privacy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;
import orderflow.config.LogSafe;
import orderflow.envelope.EventType;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.ShippingAddress;

/**
 * Encrypts and decrypts the personal fields of an order's shipping address ({@link
 * ShippingAddress#SEALED}) under its customer's data key. Each value's associated data is {@code
 * OrderCreated}, the order id and the field's name, so a value moved to another order or field does
 * not decrypt; the value names its key, so one whose key is gone reads as erased, never as anyone
 * else's data. A value that was changed is refused.
 *
 * <p>Thread-safe.
 */
public final class AddressCipher {
  private static final String PREFIX = "enc1.";
  private final CustomerKeys keys;

  public AddressCipher(MasterKeys master) {
    this.keys = new CustomerKeys(Objects.requireNonNull(master, "master"));
  }

  /** With the master keys the process environment names ({@link MasterKeys#load}). */
  public static AddressCipher fromEnvironment() {
    try {
      return new AddressCipher(MasterKeys.load(System::getenv));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the master key: " + e.getMessage(), e);
    }
  }

  public CustomerKeys keys() {
    return keys;
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
    Map<String, Optional<SecretKeySpec>> found = new HashMap<>();
    String[] clear = new String[3];
    String[] fields = {"street", "city", "postalCode"};
    String[] values = {address.street(), address.city(), address.postalCode()};
    for (int i = 0; i < 3; i++) {
      if (values[i] == null) {
        continue;
      }
      String[] parts = values[i].split("\\.", 3);
      Optional<SecretKeySpec> key = found.get(parts[1]);
      if (key == null) {
        key = keys.find(connection, order.customerId(), parts[1]);
        found.put(parts[1], key);
      }
      if (key.isEmpty()) {
        return Optional.empty();
      }
      try {
        byte[] text =
            MasterKeys.open(
                key.get(),
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
