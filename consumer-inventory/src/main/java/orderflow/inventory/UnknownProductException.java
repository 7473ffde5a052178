package orderflow.inventory;

import orderflow.config.LogSafe;

/** A query named a product that has no stock record and no movement. */
final class UnknownProductException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UnknownProductException(String productId) {
    super(
        "no stock recorded for product '"
            + LogSafe.escape(productId)
            + "' (it appears with its first order or 'stock set')");
  }
}
