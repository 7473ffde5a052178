package orderflow.envelope;

import java.math.BigDecimal;

/** Checked when a payload is created, so the codec refuses exactly what a producer cannot build. */
public final class EventLimits {
  public static final int MAX_ID_CHARS = 128;
  public static final int MAX_ITEMS = 100;
  public static final int MAX_QUANTITY = 999_999_999;
  public static final int MAX_REASON_CHARS = 500;
  public static final int MAX_MONEY_DECIMALS = 6;
  public static final BigDecimal PRICE_LIMIT = BigDecimal.TEN.pow(15);
  public static final BigDecimal TOTAL_LIMIT = BigDecimal.TEN.pow(26);

  public static final String PRODUCT_ID_RULE =
      "1 to "
          + MAX_ID_CHARS
          + " characters, starting with a letter or digit, then only letters, digits, '.', '_',"
          + " '-', '/'";

  private EventLimits() {}

  public static String requireProductId(String productId) {
    return Require.productId(productId, "productId");
  }
}
