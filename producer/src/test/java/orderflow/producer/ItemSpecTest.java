package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import orderflow.envelope.OrderItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class ItemSpecTest {
  private static final ItemSpec ITEM = new ItemSpec();

  @Test
  void productAndQuantityWithoutPrice() {
    OrderItem item = ITEM.convert("sku-42:3");

    assertEquals("sku-42", item.productId());
    assertEquals(3, item.quantity());
    assertNull(item.price());
  }

  @Test
  void priceIsReadAsAnExactDecimal() {
    OrderItem item = ITEM.convert("sku-42:2:19.99");

    assertEquals(new BigDecimal("19.99"), item.price());
    assertEquals(new BigDecimal("39.98"), item.lineTotal());
  }

  @Test
  void priceKeepsItsScale() {
    assertEquals(new BigDecimal("0.10"), ITEM.convert("p:1:0.10").price());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sku-1",
        "sku-1:",
        ":2",
        "sku-1:0",
        "sku-1:-1",
        "sku-1:2.5",
        "sku-1:two",
        "sku-1:2:abc",
        "sku-1:2:-1.00",
        "sku-1:2:1e3",
        "sku-1:2:1.5:extra",
        "sku 1:2",
        "sku-1:9999999999",
        "-sku:1"
      })
  void malformedItemsAreRejectedWithTheSyntaxOrTheBadPart(String text) {
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> ITEM.convert(text));

    assertTrue(e.getMessage().startsWith("invalid item '" + text + "'"), e.getMessage());
  }

  @Test
  void aProductIdLongerThanTheEnvelopeAllowsIsRefused() {
    String product = "p".repeat(129);

    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> ITEM.convert(product + ":1"));

    assertTrue(e.getMessage().contains("at most 128 characters"), e.getMessage());
    assertEquals("p".repeat(128), ITEM.convert("p".repeat(128) + ":1").productId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sku\u0000:1", "sku\u001b[2J:1", "sku\u009b:1"})
  void anItemWithAControlCharacterIsRefusedAndQuotedEscaped(String text) {
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> ITEM.convert(text));

    assertTrue(e.getMessage().startsWith("invalid item 'sku\\u00"), e.getMessage());
    assertTrue(e.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7f), e.getMessage());
  }

  @Test
  void zeroQuantityMessageSaysWhatIsAllowed() {
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> ITEM.convert("sku-1:0"));

    assertTrue(e.getMessage().contains("must be an integer from 1 to"), e.getMessage());
  }
}
