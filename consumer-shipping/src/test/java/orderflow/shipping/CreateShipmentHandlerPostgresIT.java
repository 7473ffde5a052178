package orderflow.shipping;

import static orderflow.shipping.Reservations.newOrderId;
import static orderflow.shipping.Reservations.reserved;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import orderflow.envelope.EventPayload;
import orderflow.envelope.OrderShipped;
import orderflow.envelope.ReservedItem;
import orderflow.testing.RecordingContext;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ShipmentHandlerContract} on PostgreSQL, where several instances of the service may handle
 * reservations of one order at the same time.
 */
class CreateShipmentHandlerPostgresIT extends ShipmentHandlerContract {
  private String url;

  @Override
  String databaseUrl() {
    if (url == null) {
      url = TestDatabases.freshPostgresSchema();
    }
    return url;
  }

  @AfterEach
  void dropSchema() throws Exception {
    String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
    try (Connection connection = database.open();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA " + schema + " CASCADE");
      connection.commit();
    }
  }

  @Test
  void twoInstancesShippingOneOrderAtOnceMakeOneShipmentAndBothAnnounceIt() throws Exception {
    String orderId = newOrderId();
    List<EventPayload> announcedByFirst;
    List<EventPayload> announcedBySecond;
    try (Connection first = database.open()) {
      RecordingContext firstContext = new RecordingContext(first);
      handler.handle(reserved(orderId, new ReservedItem("P1", 1)), firstContext);
      // The second instance's insert conflicts with the first's uncommitted row: it waits for the
      // first transaction's outcome, then finds the committed shipment.
      CompletableFuture<List<EventPayload>> second =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return apply(reserved(orderId, new ReservedItem("P1", 1)));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      first.commit();
      announcedByFirst = firstContext.emitted();
      announcedBySecond = second.get(30, TimeUnit.SECONDS);
    }

    assertEquals(1, shipmentCount());
    Shipment shipment = shipmentOf(orderId);
    List<EventPayload> expected =
        List.of(
            new OrderShipped(
                orderId, shipment.shipmentId(), shipment.carrier(), shipment.trackingNumber()));
    assertEquals(expected, announcedByFirst);
    assertEquals(expected, announcedBySecond);
  }
}
