package orderflow.shipping;

import static orderflow.shipping.Reservations.newOrderId;
import static orderflow.shipping.Reservations.reserved;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import orderflow.consume.EventHandler;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import orderflow.envelope.ReservedItem;
import orderflow.store.Database;
import orderflow.testing.RecordingContext;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code consumer-shipping shipments} over a real SQLite database the handler wrote. */
class ShipmentsCommandTest {
  @TempDir Path dir;
  private String url;
  private Database database;
  private final EventHandler handler =
      ShippingService.definition(Clock.systemUTC()).handlers().get(EventType.INVENTORY_RESERVED);

  @BeforeEach
  void migrate() throws Exception {
    url = TestDatabases.sqlite(dir);
    database = Database.open(url);
    database.migrate(ShippingService.NAME);
  }

  @Test
  void jsonListsEveryShipmentWithItsItemsAsOneArray() throws Exception {
    String first = newOrderId();
    String second = newOrderId();
    ship(reserved(first, new ReservedItem("P1", 2), new ReservedItem("P2", 1)));
    ship(reserved(second, new ReservedItem("P3", 5)));

    CommandRun run = CommandRun.of("shipments", "--db", url, "--json");

    assertEquals(0, run.exitCode(), run.err());
    JsonNode array = EventCodec.mapper().readTree(run.out());
    assertTrue(array.isArray());
    assertEquals(2, array.size());
    JsonNode shipment = byOrder(array, first);
    Shipment stored = shipmentOf(first);
    assertEquals(stored.shipmentId(), shipment.path("shipmentId").asText());
    assertEquals(stored.reservationId(), shipment.path("reservationId").asText());
    assertEquals(stored.carrier(), shipment.path("carrier").asText());
    assertEquals(stored.trackingNumber(), shipment.path("trackingNumber").asText());
    assertEquals("SHIPPED", shipment.path("status").asText());
    assertEquals(stored.createdAt().toString(), shipment.path("createdAt").asText());
    assertEquals(
        "[{\"productId\":\"P1\",\"quantity\":2},{\"productId\":\"P2\",\"quantity\":1}]",
        shipment.path("items").toString());
    assertEquals(1, byOrder(array, second).path("items").size());
    assertEquals("", run.err());
  }

  @Test
  void orderFilterShowsOnlyThatOrdersShipment() throws Exception {
    String wanted = newOrderId();
    ship(reserved(wanted, new ReservedItem("P1", 1)));
    ship(reserved(newOrderId(), new ReservedItem("P1", 1)));

    CommandRun run = CommandRun.of("shipments", "--db", url, "--order", wanted, "--json");

    JsonNode array = EventCodec.mapper().readTree(run.out());
    assertEquals(1, array.size());
    assertEquals(wanted, array.get(0).path("orderId").asText());
  }

  @Test
  void anOrderWithoutShipmentGivesAnEmptyArray() throws Exception {
    CommandRun run = CommandRun.of("shipments", "--db", url, "--order", "nope", "--json");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("[]", run.out().strip());
  }

  @Test
  void limitKeepsTheNewestShipments() throws Exception {
    List<String> orders = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      orders.add(newOrderId());
      ship(reserved(orders.get(i), new ReservedItem("P1", 1)));
    }
    setCreatedAt(orders.get(0), 1_000);
    setCreatedAt(orders.get(1), 3_000);
    setCreatedAt(orders.get(2), 2_000);

    CommandRun run = CommandRun.of("shipments", "--db", url, "--limit", "2", "--json");

    JsonNode array = EventCodec.mapper().readTree(run.out());
    assertEquals(2, array.size());
    assertEquals(orders.get(1), array.get(0).path("orderId").asText());
    assertEquals(orders.get(2), array.get(1).path("orderId").asText());
  }

  @Test
  void textOutputIsATableWithTheTrackingNumber() throws Exception {
    String orderId = newOrderId();
    ship(reserved(orderId, new ReservedItem("P1", 2)));

    CommandRun run = CommandRun.of("shipments", "--db", url);

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().startsWith("SHIPMENT"), run.out());
    assertTrue(run.out().contains(shipmentOf(orderId).trackingNumber()), run.out());
    assertTrue(run.out().contains("P1:2"), run.out());
  }

  @Test
  void hostileTextInRowsIsShownEscapedOnOneLine() throws Exception {
    String orderId = newOrderId();
    ship(reserved(orderId, new ReservedItem("P1", 2)));
    // As if applied before the envelope had limits: a forged line and a terminal escape.
    try (Connection connection = database.open();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(
          "UPDATE shipments SET carrier = 'DHL' || char(27) || '[2J' || char(10) || 'forged',"
              + " tracking_number = 'T' || char(155) || '31m'");
      statement.executeUpdate("UPDATE shipment_items SET product_id = 'P' || char(0)");
      connection.commit();
    }

    CommandRun run = CommandRun.of("shipments", "--db", url);

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("DHL\\u001b[2J\\nforged"), run.out());
    assertTrue(run.out().contains("T\\u009b31m"), run.out());
    assertTrue(run.out().contains("P\\u0000:2"), run.out());
    assertEquals(2, run.out().strip().lines().count(), run.out());
    assertTrue(
        run.out().chars().noneMatch(c -> (c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f)),
        run.out());
  }

  @Test
  void answersWhileTheServiceHoldsTheWriteLock() throws Exception {
    String orderId = newOrderId();
    ship(reserved(orderId, new ReservedItem("P1", 1)));
    // A SQLite connection of the store holds the write lock from open to close, as the running
    // service's does between its transactions.
    try (Connection service = database.open()) {
      ship(service, reserved(newOrderId(), new ReservedItem("P2", 1)));
      handler.handle(
          reserved(newOrderId(), new ReservedItem("P3", 1)), new RecordingContext(service));
      long started = System.nanoTime();

      CommandRun run = CommandRun.of("shipments", "--db", url, "--json");

      assertEquals(0, run.exitCode(), run.err());
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "did not wait for the lock: " + took);
      assertEquals(
          2, EventCodec.mapper().readTree(run.out()).size(), "committed rows only: " + run.out());
    }
  }

  @Test
  void aMissingDatabaseFileFailsWithOneClearLine() {
    Path missing = dir.resolve("nothing-here.db");

    CommandRun run = CommandRun.of("shipments", "--db", "jdbc:sqlite:" + missing, "--json");

    assertEquals(1, run.exitCode());
    assertEquals("", run.out());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().contains("no database at " + missing), run.err());
  }

  @Test
  void aDatabaseWithoutTheShippingSchemaFailsWithOneClearLine() throws Exception {
    String other = TestDatabases.sqlite(dir);
    Database.open(other).migrate("something-else");

    CommandRun run = CommandRun.of("shipments", "--db", other);

    assertEquals(1, run.exitCode());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().contains("has no shipments table"), run.err());
  }

  @Test
  void aLimitBelowOneIsAUsageError() {
    CommandRun run = CommandRun.of("shipments", "--db", url, "--limit", "0");

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--limit must be at least 1"), run.err());
  }

  private void ship(EventEnvelope event) throws Exception {
    try (Connection connection = database.open()) {
      ship(connection, event);
    }
  }

  private void ship(Connection connection, EventEnvelope event) throws Exception {
    RecordingContext context = new RecordingContext(connection);
    handler.handle(event, context);
    connection.commit();
    assertFalse(context.emitted().isEmpty());
  }

  private void setCreatedAt(String orderId, long epochMillis) throws Exception {
    try (Connection connection = database.open();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(
          "UPDATE shipments SET created_at = "
              + epochMillis
              + " WHERE order_id = '"
              + orderId
              + "'");
      connection.commit();
    }
  }

  private Shipment shipmentOf(String orderId) throws Exception {
    try (Connection connection = database.open()) {
      return ShipmentStore.findByOrder(connection, orderId).orElseThrow();
    }
  }

  private static JsonNode byOrder(JsonNode array, String orderId) {
    for (JsonNode shipment : array) {
      if (shipment.path("orderId").asText().equals(orderId)) {
        return shipment;
      }
    }
    throw new AssertionError("no shipment of " + orderId + " in " + array);
  }
}
