package orderflow.envelope;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/** Validation used by the payload records; each failure names the field. */
final class Require {
  private Require() {}

  static String text(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must be a non-empty string");
    }
    return value;
  }

  static int positive(int value, String field) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be a positive integer, was " + value);
    }
    return value;
  }

  static int notNegative(int value, String field) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must not be negative, was " + value);
    }
    return value;
  }

  static BigDecimal money(BigDecimal value, String field) {
    if (value != null && value.signum() < 0) {
      throw new IllegalArgumentException(field + " must not be negative, was " + value);
    }
    return value;
  }

  static <T> List<T> nonEmpty(List<T> values, String field) {
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException(field + " must be a non-empty list");
    }
    if (values.stream().anyMatch(Objects::isNull)) {
      throw new IllegalArgumentException(field + " must not contain null");
    }
    return List.copyOf(values);
  }
}
