package orderflow.shipping;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes shipments on a connection the caller owns (and commits). The SQL runs unchanged
 * on SQLite and PostgreSQL.
 */
final class ShipmentStore {
  private static final String COLUMNS =
      "s.shipment_id, s.order_id, s.reservation_id, s.carrier, s.tracking_number, s.status,"
          + " s.created_at, s.updated_at, i.product_id, i.quantity";

  private ShipmentStore() {}

  /**
   * Inserts the shipment and its items unless its order already has one.
   *
   * @return true if inserted; false if the order already had a shipment (nothing was written)
   */
  static boolean insertIfAbsent(Connection connection, Shipment shipment) throws SQLException {
    int inserted;
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
      insert.setString(6, shipment.status().name());
      insert.setLong(7, shipment.createdAt().toEpochMilli());
      insert.setLong(8, shipment.updatedAt().toEpochMilli());
      inserted = insert.executeUpdate();
    }
    if (inserted == 0) {
      return false;
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
            "SELECT "
                + COLUMNS
                + " FROM shipments s LEFT JOIN shipment_items i ON i.shipment_id = s.shipment_id"
                + " WHERE s.order_id = ? ORDER BY i.line_no")) {
      query.setString(1, orderId);
      List<Shipment> found = read(query);
      return found.stream().findFirst();
    }
  }

  /** The newest {@code limit} shipments, newest first. */
  static List<Shipment> newest(Connection connection, int limit) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM (SELECT * FROM shipments ORDER BY created_at DESC, shipment_id LIMIT ?) s"
                + " LEFT JOIN shipment_items i ON i.shipment_id = s.shipment_id"
                + " ORDER BY s.created_at DESC, s.shipment_id, i.line_no")) {
      query.setInt(1, limit);
      return read(query);
    }
  }

  static long count(Connection connection) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM shipments");
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** Folds the joined rows (one per item, ordered by shipment) into shipments, in that order. */
  private static List<Shipment> read(PreparedStatement query) throws SQLException {
    Map<String, Shipment> headers = new LinkedHashMap<>();
    Map<String, List<Shipment.Item>> items = new HashMap<>();
    try (ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        String id = rows.getString("shipment_id");
        if (!headers.containsKey(id)) {
          headers.put(id, header(rows));
          items.put(id, new ArrayList<>());
        }
        String productId = rows.getString("product_id");
        if (productId != null) {
          items.get(id).add(new Shipment.Item(productId, rows.getInt("quantity")));
        }
      }
    }
    return headers.values().stream().map(h -> withItems(h, items.get(h.shipmentId()))).toList();
  }

  private static Shipment header(ResultSet row) throws SQLException {
    return new Shipment(
        row.getString("shipment_id"),
        row.getString("order_id"),
        row.getString("reservation_id"),
        row.getString("carrier"),
        row.getString("tracking_number"),
        ShipmentStatus.valueOf(row.getString("status")),
        Instant.ofEpochMilli(row.getLong("created_at")),
        Instant.ofEpochMilli(row.getLong("updated_at")),
        List.of());
  }

  private static Shipment withItems(Shipment header, List<Shipment.Item> items) {
    return new Shipment(
        header.shipmentId(),
        header.orderId(),
        header.reservationId(),
        header.carrier(),
        header.trackingNumber(),
        header.status(),
        header.createdAt(),
        header.updatedAt(),
        items);
  }
}
