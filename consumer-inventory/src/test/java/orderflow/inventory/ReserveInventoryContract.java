package orderflow.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventPayload;
import orderflow.envelope.InventoryRejected;
import orderflow.envelope.InventoryReleased;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.envelope.ReservedItem;
import orderflow.envelope.ShipmentCancelled;
import orderflow.envelope.ShipmentFailed;
import orderflow.envelope.ShippingAddress;
import orderflow.envelope.Shortage;
import orderflow.testing.RecordingContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What reserving stock must do, on whichever database a subclass provides. */
abstract class ReserveInventoryContract {
  static final int DEFAULT_STOCK = 100;

  TestInventoryDatabase database;
  InventoryDb reads;
  final InventoryHandler handler = new InventoryHandler(DEFAULT_STOCK);

  abstract String databaseUrl();

  @BeforeEach
  void createSchema() throws SQLException {
    database = new TestInventoryDatabase(databaseUrl());
    reads = new InventoryDb(database.url());
  }

  @AfterEach
  void dropSchema() throws SQLException {
    database.close();
  }

  @Test
  void reservesEveryItemOfAnOrderAndEmitsTheReservation() throws Exception {
    OrderCreated order = order(item("apple", 3), item("pear", 5));

    InventoryReserved reserved = assertInstanceOf(InventoryReserved.class, handle(order));

    assertEquals(order.orderId(), reserved.orderId());
    assertEquals(
        List.of(new ReservedItem("apple", 3), new ReservedItem("pear", 5)), reserved.items());
    UUID.fromString(reserved.reservationId());
    assertEquals(new StockLedger.StockLevel("apple", 97, 3), level("apple"));
    assertEquals(new StockLedger.StockLevel("pear", 95, 5), level("pear"));
  }

  @Test
  void productsNeverSeenStartWithTheDefaultStockAsAnInitialMovement() throws Exception {
    handle(order(item("kiwi", 1)));

    List<StockLedger.Movement> movements = movements("kiwi");
    assertEquals(2, movements.size());
    assertEquals(StockLedger.INITIAL, movements.get(0).kind());
    assertEquals(DEFAULT_STOCK, movements.get(0).delta());
    assertEquals(StockLedger.RESERVATION, movements.get(1).kind());
    assertEquals(-1, movements.get(1).delta());
  }

  @Test
  void rejectsTheWholeOrderWhenOneItemIsShortAndListsEveryShortage() throws Exception {
    adjust("apple", 5);
    OrderCreated order = order(item("pear", 3), item("apple", 10), item("plum", 200));

    InventoryRejected rejected = assertInstanceOf(InventoryRejected.class, handle(order));

    assertEquals(order.orderId(), rejected.orderId());
    assertEquals(
        List.of(new Shortage("apple", 10, 5), new Shortage("plum", 200, DEFAULT_STOCK)),
        rejected.shortages());
    assertEquals(new StockLedger.StockLevel("apple", 5, 0), level("apple"));
    assertEquals(new StockLedger.StockLevel("pear", DEFAULT_STOCK, 0), level("pear"));
    assertEquals(new StockLedger.StockLevel("plum", DEFAULT_STOCK, 0), level("plum"));
    assertEquals(0, count("SELECT COUNT(*) FROM reservations"));
    assertEquals(0, count("SELECT COUNT(*) FROM reservation_items"));
    assertEquals(0, count("SELECT COUNT(*) FROM stock_movements WHERE kind = 'reservation'"));
  }

  @Test
  void sumsTheQuantitiesOfTheSameProductOnSeveralLines() throws Exception {
    InventoryRejected rejected =
        assertInstanceOf(InventoryRejected.class, handle(order(item("fig", 60), item("fig", 50))));
    assertEquals(List.of(new Shortage("fig", 110, DEFAULT_STOCK)), rejected.shortages());

    InventoryReserved reserved =
        assertInstanceOf(InventoryReserved.class, handle(order(item("fig", 30), item("fig", 20))));
    assertEquals(List.of(new ReservedItem("fig", 50)), reserved.items());
    assertEquals(new StockLedger.StockLevel("fig", 50, 50), level("fig"));
  }

  @Test
  void reservesTheLastUnitsExactlyAndRejectsTheNextOrder() throws Exception {
    adjust("lime", 4);
    assertInstanceOf(InventoryReserved.class, handle(order(item("lime", 4))));
    InventoryRejected rejected =
        assertInstanceOf(InventoryRejected.class, handle(order(item("lime", 1))));
    assertEquals(List.of(new Shortage("lime", 1, 0)), rejected.shortages());
    assertEquals(new StockLedger.StockLevel("lime", 0, 4), level("lime"));
  }

  @Test
  void theSameOrderUnderAnotherEventIdIsReservedOnceAndAnsweredWithTheSameReservation()
      throws Exception {
    OrderCreated order = order(item("apple", 10));

    InventoryReserved first = assertInstanceOf(InventoryReserved.class, handle(order));
    InventoryReserved again = assertInstanceOf(InventoryReserved.class, handle(order));

    assertEquals(first, again);
    assertEquals(new StockLedger.StockLevel("apple", 90, 10), level("apple"));
    assertEquals(1, count("SELECT COUNT(*) FROM reservations"));
  }

  @Test
  void aRejectedOrderStaysRejectedWhenItArrivesAgainAfterStockRose() throws Exception {
    adjust("pear", 1);
    OrderCreated order = order(item("pear", 2));
    InventoryRejected first = assertInstanceOf(InventoryRejected.class, handle(order));

    adjust("pear", 50);
    InventoryRejected again = assertInstanceOf(InventoryRejected.class, handle(order));

    assertEquals(first, again);
    assertEquals(new StockLedger.StockLevel("pear", 50, 0), level("pear"));
  }

  @Test
  void anAdjustmentRecordsTheDifferenceAsAMovementAndKeepsReservations() throws Exception {
    handle(order(item("plum", 30)));

    StockLedger.Adjustment adjustment = adjust("plum", 100);

    assertEquals(new StockLedger.Adjustment("plum", 70, 100, 30, 30, "test"), adjustment);
    assertEquals(new StockLedger.StockLevel("plum", 100, 30), level("plum"));
    StockLedger.Movement last = movements("plum").get(2);
    assertEquals(StockLedger.ADJUSTMENT, last.kind());
    assertEquals(30, last.delta());
    assertEquals("test", last.reason());
  }

  @Test
  void anAdjustmentOfAProductNeverSeenStartsFromZero() throws Exception {
    assertEquals(new StockLedger.Adjustment("new", 0, 12, 0, 12, "test"), adjust("new", 12));
    assertEquals(new StockLedger.StockLevel("new", 12, 0), level("new"));
    handle(order(item("new", 2)));
    assertEquals(new StockLedger.StockLevel("new", 10, 2), level("new"));
  }

  @Test
  void theStockRebuiltFromTheLedgerEqualsTheReadModelAfterManyChanges() throws Exception {
    Random random = new Random(42);
    List<String> products = List.of("a", "b", "c", "d");
    for (int i = 0; i < 150; i++) {
      if (i % 25 == 0) {
        adjust(products.get(random.nextInt(products.size())), random.nextInt(60));
      }
      List<OrderItem> items = new ArrayList<>();
      for (int n = 1 + random.nextInt(3); n > 0; n--) {
        items.add(item(products.get(random.nextInt(products.size())), 1 + random.nextInt(9)));
      }
      handle(order(items.toArray(OrderItem[]::new)));
    }
    for (String product : products) {
      StockLedger.StockLevel readModel = level(product);
      assertEquals(readModel, StockLedger.replay(product, movements(product)));
      assertTrue(readModel.available() >= 0);
    }
  }

  // --- helpers ---

  EventPayload handle(OrderCreated order) throws Exception {
    try (Connection connection = database.open()) {
      RecordingContext context = new RecordingContext(connection);
      handler.handle(EventEnvelope.first(order, "producer"), context);
      connection.commit();
      return context.single();
    }
  }

  StockLedger.Adjustment adjust(String product, int quantity) throws SQLException {
    try (Connection connection = database.open()) {
      StockLedger.Adjustment adjustment =
          new StockLedger(connection).adjust(product, quantity, "test", System.currentTimeMillis());
      connection.commit();
      return adjustment;
    }
  }

  StockLedger.StockLevel level(String product) throws SQLException {
    return reads.level(product);
  }

  List<StockLedger.Movement> movements(String product) throws SQLException {
    return reads.movements(product);
  }

  long count(String sql) throws SQLException {
    return reads.count(sql);
  }

  @Test
  void aCancelledShipmentReleasesTheReservationOnceWithAReleaseMovement() throws Exception {
    OrderCreated order = order(item("apple", 3), item("pear", 5));
    InventoryReserved reserved = assertInstanceOf(InventoryReserved.class, handle(order));

    InventoryReleased released =
        assertInstanceOf(
            InventoryReleased.class,
            release(new ShipmentCancelled(order.orderId(), "customer changed their mind")));
    InventoryReleased again =
        assertInstanceOf(
            InventoryReleased.class,
            release(new ShipmentCancelled(order.orderId(), "asked twice")));

    assertEquals(reserved.reservationId(), released.reservationId());
    assertEquals(reserved.items(), released.items());
    assertEquals("customer changed their mind", released.reason());
    assertEquals(released, again, "a repeated release announces the first one again");
    assertEquals(new StockLedger.StockLevel("apple", DEFAULT_STOCK, 0), level("apple"));
    assertEquals(new StockLedger.StockLevel("pear", DEFAULT_STOCK, 0), level("pear"));
    List<StockLedger.Movement> apple = movements("apple");
    assertEquals(StockLedger.RELEASE, apple.get(apple.size() - 1).kind());
    assertEquals(3, apple.get(apple.size() - 1).delta());
    assertEquals(
        1,
        count(
            "SELECT COUNT(*) FROM stock_movements WHERE kind = 'release'"
                + " AND product_id = 'apple'"));
    assertEquals(level("apple"), StockLedger.replay("apple", apple), "ledger and read model");
  }

  @Test
  void aFailedShipmentReleasesAndALateRepeatOfTheOrderAnnouncesTheRelease() throws Exception {
    OrderCreated order = order(item("plum", 4));
    handle(order);
    release(new ShipmentFailed(order.orderId(), "no carrier serves AQ"));

    InventoryReleased repeat = assertInstanceOf(InventoryReleased.class, handle(order));

    assertEquals("no carrier serves AQ", repeat.reason());
    assertEquals(new StockLedger.StockLevel("plum", DEFAULT_STOCK, 0), level("plum"));
  }

  @Test
  void anOrderCancelledBeforeItArrivesIsNeverReserved() throws Exception {
    OrderCreated order = order(item("fig", 2));
    handle(order(item("fig", 1)));

    assertEquals(List.of(), releaseAll(new ShipmentCancelled(order.orderId(), "early")));
    assertEquals(List.of(), handleAll(order));
    assertEquals(List.of(), releaseAll(new ShipmentCancelled(order.orderId(), "early, again")));

    assertEquals(new StockLedger.StockLevel("fig", DEFAULT_STOCK - 1, 1), level("fig"));
    assertEquals(0, count("SELECT COUNT(*) FROM stock_movements WHERE kind = 'release'"));
  }

  @Test
  void aCancelledRejectedOrderStaysRejected() throws Exception {
    OrderCreated order = order(item("lime", DEFAULT_STOCK + 1));
    assertInstanceOf(InventoryRejected.class, handle(order));

    assertEquals(List.of(), releaseAll(new ShipmentCancelled(order.orderId(), "too late")));

    assertInstanceOf(InventoryRejected.class, handle(order));
    assertEquals(new StockLedger.StockLevel("lime", DEFAULT_STOCK, 0), level("lime"));
  }

  @Test
  void theReservationCarriesTheOrdersShippingAddress() throws Exception {
    OrderCreated order =
        OrderCreated.of(
            UUID.randomUUID().toString(),
            "c",
            List.of(item("kiwi", 1)),
            ShippingAddress.country("AQ"));

    InventoryReserved reserved = assertInstanceOf(InventoryReserved.class, handle(order));

    assertEquals(ShippingAddress.country("AQ"), reserved.shippingAddress());
  }

  EventPayload release(EventPayload verdict) throws Exception {
    List<EventPayload> emitted = releaseAll(verdict);
    assertEquals(1, emitted.size(), emitted.toString());
    return emitted.get(0);
  }

  List<EventPayload> releaseAll(EventPayload verdict) throws Exception {
    try (Connection connection = database.open()) {
      RecordingContext context = new RecordingContext(connection);
      new InventoryHandler(DEFAULT_STOCK).handle(EventEnvelope.first(verdict, "shipping"), context);
      connection.commit();
      return context.emitted();
    }
  }

  List<EventPayload> handleAll(OrderCreated order) throws Exception {
    try (Connection connection = database.open()) {
      RecordingContext context = new RecordingContext(connection);
      handler.handle(EventEnvelope.first(order, "producer"), context);
      connection.commit();
      return context.emitted();
    }
  }

  static OrderCreated order(OrderItem... items) {
    return OrderCreated.of(UUID.randomUUID().toString(), "customer-1", Arrays.asList(items));
  }

  static OrderItem item(String product, int quantity) {
    return new OrderItem(product, quantity, new BigDecimal("1.50"));
  }
}
