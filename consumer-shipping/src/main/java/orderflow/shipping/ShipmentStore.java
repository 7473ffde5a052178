package orderflow.shipping;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads and writes shipments in the caller's transaction. */
final class ShipmentStore {
  private static final String SELECT =
      "SELECT s.shipment_id, s.order_id, s.reservation_id, s.carrier, s.tracking_number, s.status,"
          + " s.created_at, s.updated_at, i.product_id, i.quantity FROM ";
  private static final String ITEMS =
      " s LEFT JOIN shipment_items i ON i.shipment_id = s.shipment_id";

  private ShipmentStore() {}

  /** Inserts the shipment and its items; false (nothing written) if its order has a shipment. */
  static boolean insertIfAbsent(Connection connection, Shipment shipment) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO shipments (shipment_id, order_id, reservation_id, carrier,"
                + " tracking_number, status, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING")) {
      insert.setString(1, shipment.shipmentId());
      insert.setString(2, shipment.orderId());
      insert.setString(3, shipment.reservationId());
      insert.setString(4, shipment.carrier());
      insert.setString(5, shipment.trackingNumber());
      insert.setString(6, shipment.status());
      insert.setLong(7, shipment.createdAt().toEpochMilli());
      insert.setLong(8, shipment.updatedAt().toEpochMilli());
      if (insert.executeUpdate() == 0) {
        return false;
      }
    }
    try (PreparedStatement items =
        connection.prepareStatement(
            "INSERT INTO shipment_items (shipment_id, line_no, product_id, quantity)"
                + " VALUES (?, ?, ?, ?)")) {
      int line = 1;
      for (Shipment.Item item : shipment.items()) {
        items.setString(1, shipment.shipmentId());
        items.setInt(2, line++);
        items.setString(3, item.productId());
        items.setInt(4, item.quantity());
        items.addBatch();
      }
      items.executeBatch();
    }
    return true;
  }

  static Optional<Shipment> findByOrder(Connection connection, String orderId) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            SELECT + "shipments" + ITEMS + " WHERE s.order_id = ? ORDER BY i.line_no")) {
      query.setString(1, orderId);
      return read(query).stream().findFirst();
    }
  }

  /** The newest {@code limit} shipments, newest first. */
  static List<Shipment> newest(Connection connection, int limit) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            SELECT
                + "(SELECT * FROM shipments ORDER BY created_at DESC, shipment_id LIMIT ?)"
                + ITEMS
                + " ORDER BY s.created_at DESC, s.shipment_id, i.line_no")) {
      query.setInt(1, limit);
      return read(query);
    }
  }

  /** Folds the joined rows (one per item, ordered by shipment) into shipments, in that order. */
  private static List<Shipment> read(PreparedStatement query) throws SQLException {
    Map<String, Shipment> shipments = new LinkedHashMap<>();
    try (ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        Shipment shipment = shipments.get(rows.getString(1));
        if (shipment == null) {
          shipment =
              new Shipment(
                  rows.getString(1),
                  rows.getString(2),
                  rows.getString(3),
                  rows.getString(4),
                  rows.getString(5),
                  rows.getString(6),
                  Instant.ofEpochMilli(rows.getLong(7)),
                  Instant.ofEpochMilli(rows.getLong(8)),
                  new ArrayList<>());
          shipments.put(shipment.shipmentId(), shipment);
        }
        if (rows.getString(9) != null) {
          shipment.items().add(new Shipment.Item(rows.getString(9), rows.getInt(10)));
        }
      }
    }
    return List.copyOf(shipments.values());
  }
}
