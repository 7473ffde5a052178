package orderflow.orderservice;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import orderflow.envelope.CustomerDataErased;
import orderflow.envelope.EventEnvelope;
import orderflow.privacy.AddressCipher;
import orderflow.privacy.CustomerKeys;
import orderflow.store.Database;
import orderflow.store.Outbox;
import orderflow.store.OutboxEntry;

/**
 * Personal data (docs/architecture.md section 3.1): an order with its address in clear, and a
 * customer's erasure, which destroys its data key and puts a {@code CustomerDataErased} in the
 * outbox in one transaction. Only the first erasure writes an event; repeats answer the same.
 * Thread-safe.
 */
public record PersonalData(
    Database database,
    String exchange,
    AddressCipher cipher,
    Clock clock,
    Consumer<List<OutboxEntry>> committed) {
  /** {@code erasedAt}: when the customer's data was first erased. */
  public record Erased(String customerId, Instant erasedAt) {}

  /** The order with its address; the caller decides who may see it. */
  public Optional<OrderDetails> show(String orderId) throws SQLException {
    try (Connection connection = database.openReadOnly()) {
      return OrderDetails.find(connection, orderId, cipher);
    }
  }

  /** Throws IllegalArgumentException when {@code customerId} is not a valid id. */
  public Erased erase(String customerId) throws SQLException {
    List<OutboxEntry> entries = new ArrayList<>();
    Erased erased;
    try (Connection connection = database.open()) {
      erased = erase(connection, exchange, customerId, clock.instant(), entries);
      connection.commit();
    }
    if (!entries.isEmpty()) {
      committed.accept(entries);
    }
    return erased;
  }

  /** In the caller's transaction; adds the event's outbox entry to {@code outbox} when made. */
  public static Erased erase(
      Connection connection,
      String exchange,
      String customerId,
      Instant now,
      List<OutboxEntry> outbox)
      throws SQLException {
    CustomerDataErased event = new CustomerDataErased(UUID.randomUUID().toString(), customerId);
    CustomerKeys.Erasure erasure = CustomerKeys.erase(connection, customerId, now);
    if (erasure.first()) {
      outbox.add(
          Outbox.add(connection, exchange, EventEnvelope.first(event, OrderPlacement.SOURCE)));
    }
    return new Erased(customerId, erasure.erasedAt());
  }
}
