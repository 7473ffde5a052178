package orderflow.envelope;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import orderflow.config.LogSafe;

/**
 * Where an order goes (added in version 3 of {@code OrderCreated}). Only the country is required:
 * it is what shipping decides on (a destination no carrier serves is refused), so it stays in
 * clear. The personal fields ({@code street}, {@code city}, {@code postalCode}) may be absent; in
 * an event they are always encrypted values ({@link #SEALED}, docs/architecture.md section 3.1),
 * while the order service holds them in clear only between a request and its encryption, and when
 * it shows an order to its owner. A failure never quotes a personal field.
 *
 * @param country ISO 3166-1 alpha-2 code, two upper-case letters, e.g. {@code NL}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShippingAddress(String street, String city, String postalCode, String country) {
  /**
   * An encrypted value: {@code enc1.KEY_ID.DATA}, DATA the unpadded base64url of the 96-bit nonce,
   * the AES-256-GCM ciphertext and its 128-bit tag; 39 to 720 characters hold 1 to 128 characters
   * of text.
   */
  public static final Pattern SEALED =
      Pattern.compile("enc1\\.[A-Za-z0-9_-]{1,64}\\.[A-Za-z0-9_-]{39,720}");

  public ShippingAddress {
    personal(street, "shippingAddress.street");
    personal(city, "shippingAddress.city");
    personal(postalCode, "shippingAddress.postalCode");
    Require.country(country, "shippingAddress.country");
  }

  /** An address of which only the country is known. */
  public static ShippingAddress country(String country) {
    return new ShippingAddress(null, null, null, country);
  }

  /** True when every personal field present is an encrypted value. */
  @JsonIgnore
  public boolean isSealed() {
    return Stream.of(street, city, postalCode).allMatch(v -> v == null || isSealed(v));
  }

  /** True when no personal field is present. */
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
