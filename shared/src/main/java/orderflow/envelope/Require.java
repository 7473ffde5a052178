package orderflow.envelope;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import orderflow.config.LogSafe;

/** The payload records' checks; a failure names the field and quotes a bad value escaped. */
final class Require {
  private static final Pattern PRODUCT_ID =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-/]{0," + (EventLimits.MAX_ID_CHARS - 1) + "}");

  private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
  private static final int QUOTED_CHARS = 40;

  private Require() {}

  static String id(String value, String field) {
    return text(value, field, EventLimits.MAX_ID_CHARS);
  }

  static String reason(String value, String field) {
    return text(value, field, EventLimits.MAX_REASON_CHARS);
  }

  private static String text(String value, String field, int maxChars) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must be a non-empty string");
    }
    if (value.length() > maxChars) {
      throw new IllegalArgumentException(
          field + " must be at most " + maxChars + " characters, was " + value.length());
    }
    if (!value.codePoints().noneMatch(LogSafe::unsafe)) {
      throw new IllegalArgumentException(
          field + " must not contain control characters, was '" + quoted(value) + "'");
    }
    return value;
  }

  static void sealed(ShippingAddress address) {
    if (address != null && !address.isSealed()) {
      throw new IllegalArgumentException(
          "shippingAddress street, city and postalCode must be encrypted values (enc1.KEY.DATA)");
    }
  }

  static String country(String value, String field) {
    if (value == null || !COUNTRY.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field + " must be two upper-case letters (ISO 3166-1), was '" + quoted(value) + "'");
    }
    return value;
  }

  static String productId(String value, String field) {
    id(value, field);
    if (!PRODUCT_ID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field + " must be " + EventLimits.PRODUCT_ID_RULE + ", was '" + quoted(value) + "'");
    }
    return value;
  }

  static int between(int value, String field, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          field + " must be an integer from " + min + " to " + max + ", was " + value);
    }
    return value;
  }

  static BigDecimal money(BigDecimal value, String field, BigDecimal limit) {
    if (value == null) {
      return null;
    }
    if (value.signum() < 0) {
      throw new IllegalArgumentException(field + " must not be negative, was " + quoted(value));
    }
    // Scale first: precision and comparisons stay cheap even for 1e999999999.
    if (value.scale() < 0 || value.scale() > EventLimits.MAX_MONEY_DECIMALS) {
      throw new IllegalArgumentException(
          field
              + " must be a plain decimal with at most "
              + EventLimits.MAX_MONEY_DECIMALS
              + " decimals, was "
              + quoted(value));
    }
    if (value.compareTo(limit) >= 0) {
      throw new IllegalArgumentException(
          field + " must be less than " + limit.toPlainString() + ", was " + quoted(value));
    }
    return value;
  }

  static <T> List<T> nonEmpty(List<T> values, String field) {
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException(field + " must be a non-empty list");
    }
    if (values.size() > EventLimits.MAX_ITEMS) {
      throw new IllegalArgumentException(
          field + " must have at most " + EventLimits.MAX_ITEMS + " entries, had " + values.size());
    }
    if (values.stream().anyMatch(Objects::isNull)) {
      throw new IllegalArgumentException(field + " must not contain null");
    }
    return List.copyOf(values);
  }

  private static String quoted(Object value) {
    return LogSafe.escape(value, QUOTED_CHARS);
  }
}
