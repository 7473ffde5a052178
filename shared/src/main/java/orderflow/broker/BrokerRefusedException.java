package orderflow.broker;

/**
 * The broker refused an operation (a permission, a missing resource, an inequivalent declaration).
 * The message carries the broker's reply, which names the resource and the permission, e.g. {@code
 * starting inventory: ACCESS_REFUSED - access to queue 'inventory' in vhost '/' refused for user
 * 'shipping'}.
 *
 * <p>Immutable and thread-safe.
 */
public final class BrokerRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BrokerRefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
