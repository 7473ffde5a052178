package orderflow.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import orderflow.envelope.EventCodec;
import orderflow.envelope.ReservedItem;
import orderflow.envelope.Shortage;

/**
 * The one decision per order: a reservation with its items, or a rejection with its shortages, each
 * unique per order. A released reservation without items marks an order cancelled before it was
 * reserved; since it takes the order's one reservation row, a cancellation and a reservation of the
 * same order serialise on the unique key. Not thread-safe: one instance per connection.
 */
final class Reservations {
  private static final TypeReference<List<Shortage>> SHORTAGES = new TypeReference<>() {};
  private static final String DECIDED =
      "SELECT 1 FROM reservations WHERE order_id = ?"
          + " UNION ALL SELECT 1 FROM rejected_orders WHERE order_id = ?";
  private static final String RESERVATION =
      "SELECT reservation_id, release_reason FROM reservations WHERE order_id = ?";
  private static final String ITEMS =
      "SELECT product_id, quantity FROM reservation_items WHERE reservation_id = ?"
          + " ORDER BY product_id";
  private static final String MARK =
      "INSERT INTO reservations"
          + " (reservation_id, order_id, created_at, released_at, release_reason)"
          + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING";
  private static final String RELEASE =
      "UPDATE reservations SET released_at = ?, release_reason = ?"
          + " WHERE order_id = ? AND released_at IS NULL";
  private static final String CLAIM =
      "INSERT INTO reservations (reservation_id, order_id, created_at) VALUES (?, ?, ?)"
          + " ON CONFLICT (order_id) DO NOTHING";
  private static final String ADD_ITEM =
      "INSERT INTO reservation_items (reservation_id, product_id, quantity) VALUES (?, ?, ?)";
  private static final String REJECT =
      "INSERT INTO rejected_orders (order_id, shortages, created_at) VALUES (?, ?, ?)"
          + " ON CONFLICT (order_id) DO NOTHING";

  private final Connection connection;

  Reservations(Connection connection) {
    this.connection = connection;
  }

  /**
   * @param releaseReason null while it holds its items
   * @param items empty for the mark of an order cancelled before it was reserved
   */
  record Reservation(String reservationId, List<ReservedItem> items, String releaseReason) {
    boolean released() {
      return releaseReason != null;
    }
  }

  /** Whether the order has a reservation, a cancellation mark or a rejection, in one query. */
  boolean everDecided(String orderId) throws SQLException {
    return !Sql.query(connection, DECIDED, row -> 1, orderId, orderId).isEmpty();
  }

  Optional<Reservation> forOrder(String orderId) throws SQLException {
    Optional<Reservation> found =
        Sql.first(
            connection,
            RESERVATION,
            row -> new Reservation(row.getString(1), List.of(), row.getString(2)),
            orderId);
    if (found.isEmpty()) {
      return found;
    }
    String id = found.get().reservationId();
    List<ReservedItem> items =
        Sql.query(connection, ITEMS, row -> new ReservedItem(row.getString(1), row.getInt(2)), id);
    return Optional.of(new Reservation(id, items, found.get().releaseReason()));
  }

  /**
   * Marks an order without a reservation as cancelled before it was reserved, so a later claim for
   * it fails. False if the order already has a reservation (held, released or such a mark).
   */
  boolean markCancelledBeforeReserved(String orderId, String reason, long now) throws SQLException {
    String id = UUID.randomUUID().toString();
    return Sql.update(connection, MARK, id, orderId, now, now, reason) == 1;
  }

  /** True if this call released the order's reservation; false if it was released before. */
  boolean markReleased(String orderId, String reason, long now) throws SQLException {
    return Sql.update(connection, RELEASE, now, reason, orderId) == 1;
  }

  /**
   * Claims the order for a new reservation; false if it has one. PostgreSQL makes a concurrent
   * claim of the same order wait for the other transaction, then do nothing.
   */
  boolean claim(String orderId, String reservationId, long now) throws SQLException {
    return Sql.update(connection, CLAIM, reservationId, orderId, now) == 1;
  }

  void addItem(String reservationId, ReservedItem item) throws SQLException {
    Sql.update(connection, ADD_ITEM, reservationId, item.productId(), item.quantity());
  }

  Optional<List<Shortage>> rejectionOf(String orderId) throws SQLException {
    String sql = "SELECT shortages FROM rejected_orders WHERE order_id = ?";
    Optional<String> json = Sql.first(connection, sql, row -> row.getString(1), orderId);
    try {
      return json.isEmpty()
          ? Optional.empty()
          : Optional.of(EventCodec.mapper().readValue(json.get(), SHORTAGES));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable shortages stored for order " + orderId, e);
    }
  }

  /** Records a rejection; false if the order was already rejected (by a concurrent transaction). */
  boolean reject(String orderId, List<Shortage> shortages, long now) throws SQLException {
    try {
      String json = EventCodec.mapper().writeValueAsString(shortages);
      return Sql.update(connection, REJECT, orderId, json, now) == 1;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode shortages of order " + orderId, e);
    }
  }
}
