package orderflow.envelope;

import java.math.BigDecimal;

/**
 * The input limits every event obeys. The payload records check them when they are created, so the
 * codec refuses on the way in exactly what a producer cannot build on the way out: one set of rules
 * for both sides of the wire.
 *
 * <p>This class is thread-safe: constants and stateless checks.
 */
public final class EventLimits {
  /** Longest id of any kind (order, customer, product, reservation, ...). */
  public static final int MAX_ID_CHARS = 128;

  /** Most lines in one order, and so most reserved items or shortages in the answer to it. */
  public static final int MAX_ITEMS = 100;

  /** Largest quantity on one order line: nine digits, as {@code --item} accepts. */
  public static final int MAX_QUANTITY = 999_999_999;

  /** Longest reason text (a cancellation's, a refusal's, a failure's). */
  public static final int MAX_REASON_CHARS = 500;

  /** Most decimals of an amount of money. */
  public static final int MAX_MONEY_DECIMALS = 6;

  /** A unit price is below this: at most 15 digits before the decimal point. */
  public static final BigDecimal PRICE_LIMIT = BigDecimal.TEN.pow(15);

  /**
   * An order's total is below this: the largest possible total, {@link #MAX_ITEMS} lines of {@link
   * #MAX_QUANTITY} at just under {@link #PRICE_LIMIT}, stays under 10^26.
   */
  public static final BigDecimal TOTAL_LIMIT = BigDecimal.TEN.pow(26);

  /** What a product id may look like: a code, never free text. */
  public static final String PRODUCT_ID_RULE =
      "1 to "
          + MAX_ID_CHARS
          + " characters, starting with a letter or digit, then only letters, digits, '.', '_',"
          + " '-', '/'";

  private EventLimits() {}

  /**
   * Checks a product id against {@link #PRODUCT_ID_RULE}, for commands that take one from a person.
   *
   * @throws IllegalArgumentException naming the rule when it does not match
   */
  public static String requireProductId(String productId) {
    return Require.productId(productId, "productId");
  }
}
