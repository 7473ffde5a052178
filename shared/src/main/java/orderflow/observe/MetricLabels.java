package orderflow.observe;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.envelope.EventType;

/**
 * Turns values that may come from a message (its AMQP {@code type}, a failure reason, a retry tier)
 * into label values from a closed set. Every distinct label value is a time series held in memory
 * and written at each scrape, so a value chosen by whoever publishes must never become a label.
 *
 * <p>This class is thread-safe (immutable).
 */
final class MetricLabels {
  /** The label of every value outside the closed set, and of a missing value. */
  static final String UNKNOWN = "unknown";

  private static final Set<String> EVENT_TYPES =
      Arrays.stream(EventType.values()).map(EventType::wireName).collect(Collectors.toSet());

  /**
   * Every {@code DeadLetterHeaders.REASON_*} constant, read once: a reason added there is counted
   * under its own name without anyone having to remember this list.
   */
  private static final Set<String> REASONS = reasonConstants();

  /** The shape of {@code RetryTiers.label}: {@code 5s}, {@code 500ms}. */
  private static final Pattern TIER = Pattern.compile("[0-9]{1,9}(ms|s)");

  private MetricLabels() {}

  static String eventType(String value) {
    return value != null && EVENT_TYPES.contains(value) ? value : UNKNOWN;
  }

  static String reason(String value) {
    return value != null && REASONS.contains(value) ? value : UNKNOWN;
  }

  /** Tiers come from configuration, not messages; the shape check keeps the set closed anyway. */
  static String tier(String value) {
    return value != null && TIER.matcher(value).matches() ? value : UNKNOWN;
  }

  private static Set<String> reasonConstants() {
    return Arrays.stream(DeadLetterHeaders.class.getFields())
        .filter(field -> field.getName().startsWith("REASON_"))
        .filter(field -> Modifier.isStatic(field.getModifiers()))
        .filter(field -> field.getType() == String.class)
        .map(MetricLabels::constant)
        .collect(Collectors.toUnmodifiableSet());
  }

  private static String constant(Field field) {
    try {
      return (String) field.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read " + field, e);
    }
  }
}
