package orderflow.envelope;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import orderflow.config.LogSafe;

/**
 * Where an order goes. Only the country is required, in clear; in an event the personal fields are
 * always encrypted values ({@link #SEALED}). A failure never quotes a personal field.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShippingAddress(String street, String city, String postalCode, String country) {
  public static final Pattern SEALED =
      Pattern.compile("enc1\\.[A-Za-z0-9_-]{1,64}\\.[A-Za-z0-9_-]{39,720}");

  public ShippingAddress {
    personal(street, "shippingAddress.street");
    personal(city, "shippingAddress.city");
    personal(postalCode, "shippingAddress.postalCode");
    Require.country(country, "shippingAddress.country");
  }

  public static ShippingAddress country(String country) {
    return new ShippingAddress(null, null, null, country);
  }

  @JsonIgnore
  public boolean isSealed() {
    return Stream.of(street, city, postalCode).allMatch(v -> v == null || isSealed(v));
  }

  @JsonIgnore
  public boolean hasNoPersonalData() {
    return street == null && city == null && postalCode == null;
  }

  static boolean isSealed(String value) {
    return SEALED.matcher(value).matches();
  }

  private static void personal(String value, String field) {
    if (value == null || isSealed(value)) {
      return;
    }
    if (value.isBlank()
        || value.length() > EventLimits.MAX_ID_CHARS
        || value.codePoints().anyMatch(LogSafe::unsafe)) {
      throw new IllegalArgumentException(
          field
              + " must be 1 to "
              + EventLimits.MAX_ID_CHARS
              + " characters without control characters, or an encrypted value");
    }
  }
}
