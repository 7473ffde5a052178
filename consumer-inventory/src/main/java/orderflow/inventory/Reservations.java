package orderflow.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import orderflow.envelope.EventCodec;
import orderflow.envelope.ReservedItem;
import orderflow.envelope.Shortage;

/**
 * The decision taken for each order: a reservation with its items, or a rejection with its
 * shortages. At most one of each per order, enforced by unique keys. A reservation may later be
 * released ({@code released_at}); a released reservation without items is the mark of an order
 * cancelled before it was reserved. Because that mark takes the order's one reservation row, a
 * cancellation and a reservation of the same order serialise on the unique key, on PostgreSQL too.
 *
 * <p>Not thread-safe: one instance per connection.
 */
final class Reservations {
  private static final TypeReference<List<Shortage>> SHORTAGES = new TypeReference<>() {};

  private final Connection connection;

  Reservations(Connection connection) {
    this.connection = connection;
  }

  /**
   * A reservation recorded for an order.
   *
   * @param releaseReason null while it holds its items
   * @param items empty for the mark of an order cancelled before it was reserved
   */
  record Reservation(String reservationId, List<ReservedItem> items, String releaseReason) {
    boolean released() {
      return releaseReason != null;
    }
  }

  /**
   * Whether the order has a reservation (or a cancellation mark) or a rejection: one query, so the
   * common case, an order never seen, costs one round trip instead of two.
   */
  boolean everDecided(String orderId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT 1 FROM reservations WHERE order_id = ?"
                + " UNION ALL SELECT 1 FROM rejected_orders WHERE order_id = ?")) {
      select.setString(1, orderId);
      select.setString(2, orderId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next();
      }
    }
  }

  Optional<Reservation> forOrder(String orderId) throws SQLException {
    String reservationId;
    String releaseReason;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT reservation_id, release_reason FROM reservations WHERE order_id = ?")) {
      select.setString(1, orderId);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        reservationId = rows.getString(1);
        releaseReason = rows.getString(2);
      }
    }
    List<ReservedItem> items = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT product_id, quantity FROM reservation_items WHERE reservation_id = ?"
                + " ORDER BY product_id")) {
      select.setString(1, reservationId);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          items.add(new ReservedItem(rows.getString(1), rows.getInt(2)));
        }
      }
    }
    return Optional.of(new Reservation(reservationId, items, releaseReason));
  }

  /**
   * Marks an order that has no reservation as cancelled before it was reserved: a released
   * reservation without items, so that a later claim for it fails.
   *
   * @return false if the order already has a reservation (held, released or such a mark)
   */
  boolean markCancelledBeforeReserved(String orderId, String reason, long now) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO reservations"
                + " (reservation_id, order_id, created_at, released_at, release_reason)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING")) {
      insert.setString(1, java.util.UUID.randomUUID().toString());
      insert.setString(2, orderId);
      insert.setLong(3, now);
      insert.setLong(4, now);
      insert.setString(5, reason);
      return insert.executeUpdate() == 1;
    }
  }

  /**
   * Marks the order's reservation released, once.
   *
   * @return true if this call released it; false if it was released before
   */
  boolean markReleased(String orderId, String reason, long now) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE reservations SET released_at = ?, release_reason = ?"
                + " WHERE order_id = ? AND released_at IS NULL")) {
      update.setLong(1, now);
      update.setString(2, reason);
      update.setString(3, orderId);
      return update.executeUpdate() == 1;
    }
  }

  /**
   * Claims the order for a new reservation. When another transaction holds or committed a
   * reservation for the same order, PostgreSQL waits for it and then does nothing.
   *
   * @return false if the order already has a reservation
   */
  boolean claim(String orderId, String reservationId, long now) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO reservations (reservation_id, order_id, created_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (order_id) DO NOTHING")) {
      insert.setString(1, reservationId);
      insert.setString(2, orderId);
      insert.setLong(3, now);
      return insert.executeUpdate() == 1;
    }
  }

  void addItem(String reservationId, ReservedItem item) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO reservation_items (reservation_id, product_id, quantity)"
                + " VALUES (?, ?, ?)")) {
      insert.setString(1, reservationId);
      insert.setString(2, item.productId());
      insert.setInt(3, item.quantity());
      insert.executeUpdate();
    }
  }

  Optional<List<Shortage>> rejectionOf(String orderId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT shortages FROM rejected_orders WHERE order_id = ?")) {
      select.setString(1, orderId);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        return Optional.of(EventCodec.mapper().readValue(rows.getString(1), SHORTAGES));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable shortages stored for order " + orderId, e);
    }
  }

  /**
   * Records a rejection.
   *
   * @return false if the order was already rejected (by a concurrent transaction)
   */
  boolean reject(String orderId, List<Shortage> shortages, long now) throws SQLException {
    String json;
    try {
      json = EventCodec.mapper().writeValueAsString(shortages);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode shortages of order " + orderId, e);
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO rejected_orders (order_id, shortages, created_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (order_id) DO NOTHING")) {
      insert.setString(1, orderId);
      insert.setString(2, json);
      insert.setLong(3, now);
      return insert.executeUpdate() == 1;
    }
  }
}
