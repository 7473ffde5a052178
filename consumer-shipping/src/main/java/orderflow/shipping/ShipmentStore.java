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
import orderflow.consume.TransientFailureException;
import orderflow.envelope.EventPayload;
import orderflow.envelope.ShipmentCancelled;
import orderflow.envelope.ShipmentFailed;
import orderflow.store.Sql;

/** Each order's one outcome (the first {@link #decide} wins) and its shipment. */
final class ShipmentStore {
  private static final String CLAIM =
      "INSERT INTO order_outcomes (order_id, outcome, reason, decided_at)"
          + " VALUES (?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING";
  private static final String INSERT =
      "INSERT INTO shipments (shipment_id, order_id, reservation_id, carrier,"
          + " tracking_number, status, created_at, updated_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING";
  private static final String INSERT_ITEM =
      "INSERT INTO shipment_items (shipment_id, line_no, product_id, quantity) VALUES (?, ?, ?, ?)";
  private static final String SELECT =
      "SELECT s.shipment_id, s.order_id, s.reservation_id, s.carrier, s.tracking_number, s.status,"
          + " s.created_at, s.updated_at, i.product_id, i.quantity FROM ";
  private static final String ITEMS =
      " s LEFT JOIN shipment_items i ON i.shipment_id = s.shipment_id";

  enum Outcome {
    SHIPPED,
    CANCELLED,
    FAILED
  }

  /** {@code reason} is null for a shipped order. */
  record Decision(Outcome outcome, String reason) {
    /** The event that announces an unshipped outcome, again for a late or repeated event. */
    EventPayload announcement(String orderId) {
      return switch (outcome) {
        case CANCELLED -> new ShipmentCancelled(orderId, reason);
        case FAILED -> new ShipmentFailed(orderId, reason);
        case SHIPPED -> throw new IllegalStateException("a shipment announces order " + orderId);
      };
    }
  }

  private ShipmentStore() {}

  /**
   * The order's outcome: {@code proposed} if this call decided it, else the earlier one. On
   * PostgreSQL a concurrent claim of the same order waits for the other transaction.
   */
  static Decision decide(Connection connection, String orderId, Decision proposed, long now)
      throws SQLException {
    String outcome = proposed.outcome().name();
    if (Sql.update(connection, CLAIM, orderId, outcome, proposed.reason(), now) == 1) {
      return proposed;
    }
    String sql = "SELECT outcome, reason FROM order_outcomes WHERE order_id = ?";
    return Sql.first(
            connection,
            sql,
            row -> new Decision(Outcome.valueOf(row.getString(1)), row.getString(2)),
            orderId)
        .orElseThrow(
            () -> new TransientFailureException("outcome of order " + orderId + " vanished"));
  }

  /** Inserts the shipment and its items; false (nothing written) if its order has a shipment. */
  static boolean insertIfAbsent(Connection connection, Shipment shipment) throws SQLException {
    int inserted =
        Sql.update(
            connection,
            INSERT,
            shipment.shipmentId(),
            shipment.orderId(),
            shipment.reservationId(),
            shipment.carrier(),
            shipment.trackingNumber(),
            shipment.status(),
            shipment.createdAt().toEpochMilli(),
            shipment.updatedAt().toEpochMilli());
    if (inserted == 0) {
      return false;
    }
    try (PreparedStatement items = connection.prepareStatement(INSERT_ITEM)) {
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
    String sql = SELECT + "shipments" + ITEMS + " WHERE s.order_id = ? ORDER BY i.line_no";
    return read(connection, sql, orderId).stream().findFirst();
  }

  /** The newest {@code limit} shipments, newest first. */
  static List<Shipment> newest(Connection connection, int limit) throws SQLException {
    String sql =
        SELECT
            + "(SELECT * FROM shipments ORDER BY created_at DESC, shipment_id LIMIT ?)"
            + ITEMS
            + " ORDER BY s.created_at DESC, s.shipment_id, i.line_no";
    return read(connection, sql, limit);
  }

  /** Folds the joined rows (one per item, by shipment) into shipments in order. */
  private static List<Shipment> read(Connection connection, String sql, Object arg)
      throws SQLException {
    Map<String, Shipment> shipments = new LinkedHashMap<>();
    try (PreparedStatement query = Sql.prepare(connection, sql, arg);
        ResultSet rows = query.executeQuery()) {
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
