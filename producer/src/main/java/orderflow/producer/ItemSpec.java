package orderflow.producer;

import java.math.BigDecimal;
import orderflow.config.LogSafe;
import orderflow.envelope.OrderItem;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads one {@code --item PRODUCT:QTY[:PRICE]}; the price exactly, never as a float. */
final class ItemSpec implements ITypeConverter<OrderItem> {
  /** The envelope's own rules apply, as a consumer applies them. */
  @Override
  public OrderItem convert(String text) {
    String[] parts = text.split(":", -1);
    try {
      if (parts.length < 2 || parts.length > 3) {
        throw new IllegalArgumentException("expected PRODUCT:QTY[:PRICE], e.g. sku-42:2:19.99");
      }
      String quantity = parts[1].trim();
      if (!quantity.matches("[0-9]{1,9}")) {
        throw new IllegalArgumentException("quantity must be a whole number of at least 1");
      }
      String price = parts.length == 3 ? parts[2].trim() : null;
      if (price != null && !price.matches("[0-9]+(\\.[0-9]+)?")) {
        throw new IllegalArgumentException("price must be a decimal like 19.99");
      }
      // strip, not trim: trim would silently drop control characters at the ends.
      return new OrderItem(
          parts[0].strip(),
          Integer.parseInt(quantity),
          price == null ? null : new BigDecimal(price));
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(
          "invalid item '" + LogSafe.escape(text) + "': " + e.getMessage());
    }
  }
}
