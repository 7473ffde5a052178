package orderflow.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderCreated;
import orderflow.testing.JavaProcess;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The service as a real process, killed with SIGKILL in the middle of a stream of orders. */
@ExtendWith(RabbitMqExtension.class)
class InventoryCrashIT {
  private static final Duration DEADLINE = Duration.ofSeconds(180);
  private static final int ORDERS = 2000;
  private static final List<String> PRODUCTS = List.of("a", "b", "c", "d");

  @TempDir Path directory;

  @Test
  void aProcessKilledMidStreamAndRestartedLosesNothingAndDoublesNothing(TestBroker broker)
      throws Exception {
    String db = TestDatabases.sqlite(directory);
    Topology topology = InventoryServiceIT.declare(broker);
    List<OrderCreated> orders = new ArrayList<>();
    for (int i = 0; i < ORDERS; i++) {
      orders.add(Orders.order(PRODUCTS.get(i % PRODUCTS.size()) + ":1"));
    }

    try (Decisions decisions = Decisions.listen(broker, topology)) {
      int decidedAtKill;
      try (JavaProcess first = startService(broker, db)) {
        Orders.publish(broker, topology, Orders.envelopes(orders));
        TestBroker.await(
            "some orders decided before the kill",
            DEADLINE,
            () -> decisions.decidedOrders().size() >= 200);
        first.kill();
        decidedAtKill = decisions.decidedOrders().size();
      }
      assertTrue(decidedAtKill < ORDERS, "killed mid-stream, after " + decidedAtKill);

      try (JavaProcess second = startService(broker, db)) {
        TestBroker.await(
            "every order decided after the restart",
            DEADLINE,
            () -> decisions.decidedOrders().size() == ORDERS);
        assertEquals(0, second.terminate(60), second.output());
      }

      // Every order is one unit and stock is ample: each is reserved exactly once.
      List<InventoryReserved> reservations = InventoryServiceIT.distinctReservations(decisions);
      assertEquals(ORDERS, reservations.size());
      InventoryDb inventory = new InventoryDb(db);
      assertEquals(ORDERS, inventory.count("SELECT COUNT(*) FROM reservations"));
      int reserved = 0;
      for (String product : PRODUCTS) {
        StockLedger.StockLevel level = inventory.level(product);
        assertEquals(level, StockLedger.replay(product, inventory.movements(product)));
        assertEquals(DEFAULT_STOCK, level.available() + level.reserved());
        reserved += level.reserved();
      }
      assertEquals(ORDERS, reserved);
    }
  }

  private static final int DEFAULT_STOCK = 100_000;

  private JavaProcess startService(TestBroker broker, String db) throws Exception {
    return InventoryProcess.start(directory.resolve("logs"), broker, db, DEFAULT_STOCK, 5, 20);
  }
}
