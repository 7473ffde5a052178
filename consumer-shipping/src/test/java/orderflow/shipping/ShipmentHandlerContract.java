package orderflow.shipping;

import static orderflow.shipping.Reservations.newOrderId;
import static orderflow.shipping.Reservations.reserved;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import orderflow.consume.EventHandler;
import orderflow.envelope.CancellationRefused;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventPayload;
import orderflow.envelope.EventType;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderCancelled;
import orderflow.envelope.OrderShipped;
import orderflow.envelope.ReservedItem;
import orderflow.envelope.ShipmentCancelled;
import orderflow.envelope.ShipmentFailed;
import orderflow.envelope.ShippingAddress;
import orderflow.store.Database;
import orderflow.testing.RecordingContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What shipping's handlers guarantee, on a real database of each dialect (subclasses choose it),
 * each event applied in a transaction of its own as the runtime does.
 */
abstract class ShipmentHandlerContract {
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00.123Z");

  final EventHandler handler =
      ShippingService.definition(Clock.fixed(NOW, ZoneOffset.UTC))
          .handlers()
          .get(EventType.INVENTORY_RESERVED);
  Database database;

  abstract String databaseUrl();

  @BeforeEach
  void migrate() throws SQLException {
    database = Database.open(databaseUrl());
    database.migrate(ShippingService.NAME);
  }

  @AfterEach
  void closeDatabase() {
    database.close();
  }

  @Test
  void createsOneShippedShipmentWithTheReservedItemsAndAnnouncesIt() throws Exception {
    String orderId = newOrderId();
    EventEnvelope event = reserved(orderId, new ReservedItem("P1", 2), new ReservedItem("P2", 1));

    List<EventPayload> emitted = apply(event);

    Shipment shipment = shipmentOf(orderId);
    assertEquals(
        event.payloadAs(InventoryReserved.class).reservationId(), shipment.reservationId());
    assertEquals(Shipment.SHIPPED, shipment.status());
    assertEquals(Carriers.forOrder(orderId).name(), shipment.carrier());
    assertTrue(
        shipment.trackingNumber().startsWith(Carriers.forOrder(orderId).trackingPrefix()),
        shipment.trackingNumber());
    assertEquals(NOW, shipment.createdAt());
    assertEquals(NOW, shipment.updatedAt());
    assertEquals(List.of(new Shipment.Item("P1", 2), new Shipment.Item("P2", 1)), shipment.items());
    assertEquals(
        List.of(
            new OrderShipped(
                orderId, shipment.shipmentId(), shipment.carrier(), shipment.trackingNumber())),
        emitted);
  }

  @Test
  void redeliveredReservationUnderAnotherEventIdAnnouncesTheFirstShipmentAgain() throws Exception {
    String orderId = newOrderId();
    List<EventPayload> first = apply(reserved(orderId, new ReservedItem("P1", 1)));
    List<EventPayload> second = apply(reserved(orderId, new ReservedItem("P1", 1)));

    assertEquals(1, shipmentCount());
    assertEquals(first, second, "the same shipment is announced again");
    assertEquals(1, shipmentOf(orderId).items().size(), "no items added twice");
  }

  @Test
  void twoReservationsOfOneOrderInOneTransactionMakeOneShipment() throws Exception {
    String orderId = newOrderId();
    try (Connection connection = database.open()) {
      RecordingContext context = new RecordingContext(connection);
      handler.handle(reserved(orderId, new ReservedItem("P1", 1)), context);
      handler.handle(reserved(orderId, new ReservedItem("P1", 1)), context);
      connection.commit();
      assertEquals(2, context.emitted().size());
      assertEquals(context.emitted().get(0), context.emitted().get(1));
    }
    assertEquals(1, shipmentCount());
  }

  @Test
  void everyOrderGetsItsOwnShipmentAndTrackingNumber() throws Exception {
    String one = newOrderId();
    String two = newOrderId();
    apply(reserved(one, new ReservedItem("P1", 1)));
    apply(reserved(two, new ReservedItem("P1", 1)));

    assertEquals(2, shipmentCount());
    assertNotEquals(shipmentOf(one).shipmentId(), shipmentOf(two).shipmentId());
    assertNotEquals(shipmentOf(one).trackingNumber(), shipmentOf(two).trackingNumber());
  }

  @Test
  void aRolledBackTransactionLeavesNoShipment() throws Exception {
    String orderId = newOrderId();
    try (Connection connection = database.open()) {
      handler.handle(
          reserved(orderId, new ReservedItem("P1", 1)), new RecordingContext(connection));
      connection.rollback();
    }
    assertEquals(0, shipmentCount());
    apply(reserved(orderId, new ReservedItem("P1", 1)));
    assertEquals(1, shipmentCount(), "a retry after the rollback ships the order");
  }

  @Test
  void aCancellationBeforeTheReservationWinsAndTheLateReservationDoesNotShip() throws Exception {
    String orderId = newOrderId();

    List<EventPayload> decided = cancel(orderId, "customer changed their mind");
    List<EventPayload> late = apply(reserved(orderId, new ReservedItem("P1", 1)));

    assertEquals(List.of(new ShipmentCancelled(orderId, "customer changed their mind")), decided);
    assertEquals(decided, late, "the late reservation hears the cancellation again");
    assertEquals(0, shipmentCount());
  }

  @Test
  void aCancellationAfterTheShipmentIsRefusedWithTheShipmentAndTheOrderStaysShipped()
      throws Exception {
    String orderId = newOrderId();
    apply(reserved(orderId, new ReservedItem("P1", 1)));

    List<EventPayload> answer = cancel(orderId, "too late");

    CancellationRefused refused = assertInstanceOf(CancellationRefused.class, answer.get(0));
    assertTrue(
        refused
            .reason()
            .startsWith("already shipped: shipment " + shipmentOf(orderId).shipmentId()),
        refused.reason());
    assertEquals(1, shipmentCount());
  }

  @Test
  void anOrderToADestinationNoCarrierServesFailsWithoutAShipmentAndStaysFailed() throws Exception {
    String orderId = newOrderId();
    EventEnvelope toAntarctica =
        EventEnvelope.first(
            new InventoryReserved(
                orderId,
                "res-1",
                List.of(new ReservedItem("P1", 1)),
                ShippingAddress.country("AQ")),
            "inventory");

    List<EventPayload> failed = apply(toAntarctica);
    List<EventPayload> repeat = apply(toAntarctica);
    List<EventPayload> cancelled = cancel(orderId, "never mind");

    assertEquals(
        List.of(new ShipmentFailed(orderId, "no carrier serves destination country AQ")), failed);
    assertEquals(failed, repeat);
    assertEquals(
        List.of(
            new CancellationRefused(
                orderId, "shipment already failed: no carrier serves destination country AQ")),
        cancelled);
    assertEquals(0, shipmentCount());
  }

  @Test
  void anOrderToAServedDestinationShips() throws Exception {
    String orderId = newOrderId();
    apply(
        EventEnvelope.first(
            new InventoryReserved(
                orderId,
                "res-1",
                List.of(new ReservedItem("P1", 1)),
                ShippingAddress.country("NL")),
            "inventory"));

    assertEquals(1, shipmentCount());
  }

  @Test
  void aRepeatedCancellationGetsTheFirstAnswer() throws Exception {
    String orderId = newOrderId();
    List<EventPayload> first = cancel(orderId, "first");
    List<EventPayload> second = cancel(orderId, "second");

    assertEquals(first, second);
  }

  List<EventPayload> cancel(String orderId, String reason) throws Exception {
    return apply(
        EventEnvelope.first(new OrderCancelled(orderId, reason), "producer"),
        ShippingService.definition(Clock.fixed(NOW, ZoneOffset.UTC))
            .handlers()
            .get(EventType.ORDER_CANCELLED));
  }

  List<EventPayload> apply(EventEnvelope event, orderflow.consume.EventHandler other)
      throws Exception {
    try (Connection connection = database.open()) {
      RecordingContext context = new RecordingContext(connection);
      other.handle(event, context);
      connection.commit();
      return context.emitted();
    }
  }

  /** Applies one event in its own committed transaction; returns what the handler emitted. */
  List<EventPayload> apply(EventEnvelope event) throws Exception {
    try (Connection connection = database.open()) {
      RecordingContext context = new RecordingContext(connection);
      handler.handle(event, context);
      connection.commit();
      return context.emitted();
    }
  }

  Shipment shipmentOf(String orderId) throws SQLException {
    try (Connection connection = database.open()) {
      return ShipmentStore.findByOrder(connection, orderId)
          .orElseThrow(() -> new AssertionError("no shipment for " + orderId));
    }
  }

  long shipmentCount() throws SQLException {
    try (Connection connection = database.open();
        ResultSet rows =
            connection.createStatement().executeQuery("SELECT COUNT(*) FROM shipments")) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
