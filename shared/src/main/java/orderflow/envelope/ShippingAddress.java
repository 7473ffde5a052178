package orderflow.envelope;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where an order goes (added in version 3 of {@code OrderCreated}). Only the country is required:
 * it is what shipping decides on (a destination no carrier serves is refused); the other lines are
 * carried for the label and may be absent.
 *
 * @param country ISO 3166-1 alpha-2 code, two upper-case letters, e.g. {@code NL}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShippingAddress(String street, String city, String postalCode, String country) {
  public ShippingAddress {
    if (street != null) {
      Require.id(street, "shippingAddress.street");
    }
    if (city != null) {
      Require.id(city, "shippingAddress.city");
    }
    if (postalCode != null) {
      Require.id(postalCode, "shippingAddress.postalCode");
    }
    Require.country(country, "shippingAddress.country");
  }

  /** An address of which only the country is known. */
  public static ShippingAddress country(String country) {
    return new ShippingAddress(null, null, null, country);
  }
}
