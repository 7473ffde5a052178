package orderflow.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import orderflow.envelope.EventCodec;
import orderflow.envelope.ReservedItem;
import orderflow.envelope.Shortage;
import orderflow.store.Sql;

/**
 * The one decision per order: a reservation with its items, or a rejection. A released reservation
 * without items marks an order cancelled before it was reserved: holding the order's one
 * reservation row, it serialises with a reservation on the unique key.
 */
record Reservations(Connection connection) {
  private static final TypeReference<List<Shortage>> SHORTAGES = new TypeReference<>() {};
  private static final String DECIDED =
      "SELECT 1 FROM reservations WHERE order_id = ?"
          + " UNION ALL SELECT 1 FROM rejected_orders WHERE order_id = ?";
  private static final String RESERVATION =
      "SELECT r.reservation_id, r.release_reason, i.product_id, i.quantity FROM reservations r"
          + " LEFT JOIN reservation_items i ON i.reservation_id = r.reservation_id"
          + " WHERE r.order_id = ? ORDER BY i.product_id";
  private static final String RELEASE =
      "UPDATE reservations SET released_at = ?, release_reason = ?"
          + " WHERE order_id = ? AND released_at IS NULL";
  private static final String CLAIM =
      "INSERT INTO reservations"
          + " (reservation_id, order_id, created_at, released_at, release_reason)"
          + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING";
  private static final String ADD_ITEM =
      "INSERT INTO reservation_items (reservation_id, product_id, quantity) VALUES (?, ?, ?)";
  private static final String REJECT =
      "INSERT INTO rejected_orders (order_id, shortages, created_at) VALUES (?, ?, ?)"
          + " ON CONFLICT (order_id) DO NOTHING";

  /**
   * @param releaseReason null while it holds its items
   * @param items empty for the mark of an order cancelled before it was reserved
   */
  record Reservation(String reservationId, List<ReservedItem> items, String releaseReason) {}

  /** Whether the order has a reservation, a cancellation mark or a rejection. */
  boolean everDecided(String orderId) throws SQLException {
    return !Sql.query(connection, DECIDED, row -> 1, orderId, orderId).isEmpty();
  }

  /** The rows (one per item, one with none for a mark) all fill the same list of items. */
  Optional<Reservation> forOrder(String orderId) throws SQLException {
    List<ReservedItem> items = new ArrayList<>();
    Sql.Row<Reservation> reservation =
        row -> {
          if (row.getString(3) != null) {
            items.add(new ReservedItem(row.getString(3), row.getInt(4)));
          }
          return new Reservation(row.getString(1), items, row.getString(2));
        };
    return Sql.query(connection, RESERVATION, reservation, orderId).stream().findFirst();
  }

  /** Marks an order never reserved so a later claim fails; false if it has a reservation row. */
  boolean markCancelledBeforeReserved(String orderId, String reason, long now) throws SQLException {
    String id = UUID.randomUUID().toString();
    return Sql.update(connection, CLAIM, id, orderId, now, now, reason) == 1;
  }

  /** True if this call released the order's reservation; false if it was released before. */
  boolean markReleased(String orderId, String reason, long now) throws SQLException {
    return Sql.update(connection, RELEASE, now, reason, orderId) == 1;
  }

  /** Claims the order for a new reservation; false if it has one (or a concurrent claim won). */
  boolean claim(String orderId, String reservationId, long now) throws SQLException {
    return Sql.update(connection, CLAIM, reservationId, orderId, now, null, null) == 1;
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

  /** Records a rejection; false if a concurrent transaction rejected the order first. */
  boolean reject(String orderId, List<Shortage> shortages, long now) throws SQLException {
    try {
      String json = EventCodec.mapper().writeValueAsString(shortages);
      return Sql.update(connection, REJECT, orderId, json, now) == 1;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode shortages of order " + orderId, e);
    }
  }
}
