package orderflow.orderservice;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * The order service's answers about personal data (docs/architecture.md section 3.1): an order with
 * its address in clear, for its owner and admins ({@code GET /orders/{id}}, {@code orders show}),
 * and the erasure of a customer's personal data ({@code DELETE
 * /customers/{customerId}/personal-data}, {@code customers erase}), which destroys the customer's
 * data key and, in the same transaction, puts a {@code CustomerDataErased} in the outbox. Only the
 * first erasure writes an event: erasing again, or an unknown customer again, answers the same.
 *
 * <p>Thread-safe.
 */
public final class PersonalData {
  private static final OrderQueries QUERIES = new OrderQueries();
  private final Database database;
  private final String exchange;
  private final AddressCipher cipher;
  private final Clock clock;
  private final Consumer<List<OutboxEntry>> committed;

  /**
   * @param exchange the orders exchange, as named on the broker, that the erasure event goes to
   * @param committed takes the outbox entry of an erasure after its commit (the outbox publisher)
   */
  public PersonalData(
      Database database,
      String exchange,
      AddressCipher cipher,
      Clock clock,
      Consumer<List<OutboxEntry>> committed) {
    this.database = Objects.requireNonNull(database, "database");
    this.exchange = Objects.requireNonNull(exchange, "exchange");
    this.cipher = Objects.requireNonNull(cipher, "cipher");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.committed = Objects.requireNonNull(committed, "committed");
  }

  /**
   * What an erasure answers.
   *
   * @param erasedAt when the customer's data was first erased
   */
  public record Erased(String customerId, Instant erasedAt) {}

  /** The order with its address, for its owner or an admin (the caller decides who that is). */
  public Optional<OrderDetails> show(String orderId) throws SQLException {
    try (Connection connection = database.openReadOnly()) {
      return show(connection, orderId, cipher);
    }
  }

  public static Optional<OrderDetails> show(
      Connection connection, String orderId, AddressCipher cipher) throws SQLException {
    Optional<OrderDetails> details = QUERIES.details(connection, orderId);
    return details.isEmpty() ? details : Optional.of(details.get().withAddress(connection, cipher));
  }

  /**
   * @throws IllegalArgumentException when {@code customerId} is not a valid id
   */
  public Erased erase(String customerId) throws SQLException {
    List<OutboxEntry> entries = new ArrayList<>();
    Erased erased;
    try (Connection connection = database.open()) {
      try {
        erased = erase(connection, exchange, customerId, clock.instant(), entries);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
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
