package orderflow.producer;

import java.math.BigDecimal;
import java.util.regex.Pattern;
import orderflow.config.LogSafe;
import orderflow.envelope.OrderItem;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** One {@code --item PRODUCT:QTY[:PRICE]}; the price is read exactly, never as a float. */
record ItemSpec(String productId, int quantity, BigDecimal price) {
  private static final Pattern QUANTITY = Pattern.compile("[0-9]{1,9}");
  private static final Pattern PRICE = Pattern.compile("[0-9]{1,15}(\\.[0-9]{1,6})?");

  static ItemSpec parse(String text) {
    String[] parts = text.split(":", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw bad(text, "expected PRODUCT:QTY[:PRICE], e.g. sku-42:2:19.99");
    }
    // strip, not trim: trim would silently drop control characters at the ends.
    String product = parts[0].strip();
    String quantityText = parts[1].trim();
    if (!QUANTITY.matcher(quantityText).matches() || Integer.parseInt(quantityText) == 0) {
      throw bad(text, "quantity '" + quantityText + "' must be a whole number of at least 1");
    }
    BigDecimal price = null;
    if (parts.length == 3) {
      String priceText = parts[2].trim();
      if (!PRICE.matcher(priceText).matches()) {
        throw bad(
            text, "price '" + priceText + "' must be a decimal like 19.99 (at most 6 decimals)");
      }
      price = new BigDecimal(priceText);
    }
    ItemSpec item = new ItemSpec(product, Integer.parseInt(quantityText), price);
    try {
      // the envelope's own rules, as a consumer applies them
      item.toOrderItem();
    } catch (IllegalArgumentException e) {
      throw bad(text, e.getMessage());
    }
    return item;
  }

  OrderItem toOrderItem() {
    return new OrderItem(productId, quantity, price);
  }

  private static IllegalArgumentException bad(String text, String why) {
    return new IllegalArgumentException("invalid item '" + LogSafe.escape(text) + "': " + why);
  }

  static final class Converter implements ITypeConverter<ItemSpec> {
    @Override
    public ItemSpec convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
