package orderflow.producer;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;

/**
 * Synthetic orders for {@code producer load}: one line each, products taken in turn, so bodies stay
 * near 300 bytes like PerfTest's {@code -s 300}. Not thread-safe: one thread at a time builds
 * orders.
 */
final class OrderGenerator {
  static final BigDecimal UNIT_PRICE = new BigDecimal("9.99");

  private final String customer;
  private final List<String> products;
  private final int quantity;
  private int next;

  OrderGenerator(String customer, List<String> products, int quantity) {
    if (products.isEmpty()) {
      throw new IllegalArgumentException("products must not be empty");
    }
    this.customer = customer;
    this.products = List.copyOf(products);
    this.quantity = quantity;
  }

  OrderCreated next() {
    String product = products.get(next);
    next = (next + 1) % products.size();
    return OrderCreated.of(
        randomId(),
        customer,
        Collections.singletonList(new OrderItem(product, quantity, UNIT_PRICE)));
  }

  /**
   * A random (version 4) UUID from a thread-local generator: order ids need uniqueness, not
   * unpredictability, and SecureRandom would be the most expensive step of each publish.
   */
  private static String randomId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long most = (random.nextLong() & ~0xF000L) | 0x4000L;
    long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(most, least).toString();
  }
}
