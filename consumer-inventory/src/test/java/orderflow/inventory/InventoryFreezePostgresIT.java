package orderflow.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

/**
 * Two instances on one PostgreSQL, one of them frozen (SIGSTOP) while it applies a batch, holding
 * the stock rows of every product its batch names. The survivor must go on deciding orders once the
 * server has ended the frozen one's idle transaction, not wait on its row locks for as long as it
 * stays frozen; and when the frozen one is let go, nothing is lost or reserved twice.
 */
@ExtendWith(RabbitMqExtension.class)
class InventoryFreezePostgresIT {
  private static final Duration DEADLINE = Duration.ofSeconds(180);

  /** The server ends the frozen transaction after 10 s; the survivor's wait behind it ends then. */
  private static final Duration SURVIVOR_DEADLINE = Duration.ofSeconds(60);

  private static final List<String> PRODUCTS = List.of("a", "b", "c");
  private static final int DEFAULT_STOCK = 100_000;
  private static final int WHILE_FROZEN = 600;

  @TempDir Path directory;

  @Test
  void theSurvivorKeepsDecidingWhileTheOtherInstanceIsFrozen(TestBroker broker) throws Exception {
    String db = TestDatabases.freshPostgresSchema();
    Topology topology = InventoryServiceIT.declare(broker);
    AtomicInteger published = new AtomicInteger();
    AtomicBoolean publishing = new AtomicBoolean(true);
    ExecutorService background = Executors.newSingleThreadExecutor();

    try (Decisions decisions = Decisions.listen(broker, topology);
        JavaProcess frozen = startService(broker, db, "frozen");
        JavaProcess survivor = startService(broker, db, "survivor")) {
      // A steady stream, so that a freeze can land inside a batch whatever the machine's speed.
      Future<?> stream =
          background.submit(
              () -> {
                while (publishing.get()) {
                  Orders.publish(broker, topology, Orders.envelopes(orders(50)));
                  published.addAndGet(50);
                  Thread.sleep(100);
                }
                return null;
              });
      TestBroker.await(
          "both instances deciding", DEADLINE, () -> decisions.decidedOrders().size() >= 200);
      freezeHoldingStockRows(frozen, db);
      try {
        int atFreeze = decisions.decidedOrders().size();
        Orders.publish(broker, topology, Orders.envelopes(orders(WHILE_FROZEN)));
        published.addAndGet(WHILE_FROZEN);
        // What the frozen one holds unacked (its prefetch) waits for the broker to drop it; the
        // survivor takes everything else.
        TestBroker.await(
            "the survivor deciding while the other is frozen",
            SURVIVOR_DEADLINE,
            () -> decisions.decidedOrders().size() >= atFreeze + WHILE_FROZEN / 2);
      } finally {
        publishing.set(false);
        signal(frozen, "CONT");
      }
      stream.get(30, TimeUnit.SECONDS);
      int orders = published.get();
      TestBroker.await(
          "every order decided", DEADLINE, () -> decisions.decidedOrders().size() == orders);
      assertEquals(0, survivor.terminate(60), survivor.output());
      frozen.terminate(60);

      List<InventoryReserved> reservations = InventoryServiceIT.distinctReservations(decisions);
      assertEquals(orders, reservations.size());
      InventoryDb inventory = new InventoryDb(db);
      assertEquals(orders, inventory.count("SELECT COUNT(*) FROM reservations"));
      int reserved = 0;
      for (String product : PRODUCTS) {
        StockLedger.StockLevel level = inventory.level(product);
        assertEquals(DEFAULT_STOCK, level.available() + level.reserved(), product);
        reserved += level.reserved();
      }
      assertEquals(orders, reserved);
    } finally {
      publishing.set(false);
      background.shutdownNow();
    }
  }

  /**
   * Stops the process at a moment it is inside a batch's transaction, holding stock rows: a freeze
   * between batches would hold nothing and prove nothing.
   */
  private static void freezeHoldingStockRows(JavaProcess process, String db) throws Exception {
    Random random = new Random(3);
    for (int attempt = 1; attempt <= 40; attempt++) {
      signal(process, "STOP");
      for (int check = 0; check < 15; check++) {
        Thread.sleep(200);
        if (sessionsWaitingForAFrozenOne(db) > 0) {
          return;
        }
      }
      signal(process, "CONT");
      Thread.sleep(20 + random.nextInt(200));
    }
    throw new AssertionError("never froze the instance inside a transaction holding stock rows");
  }

  /**
   * Sessions waiting for a lock held by a transaction that has been idle for over half a second:
   * only a frozen process's transaction sits that long between statements.
   */
  private static int sessionsWaitingForAFrozenOne(String db) throws SQLException {
    try (Connection connection = DriverManager.getConnection(db);
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT COUNT(DISTINCT waiting.pid) FROM pg_stat_activity waiting"
                    + " JOIN pg_stat_activity holder"
                    + " ON holder.pid = ANY (pg_blocking_pids(waiting.pid))"
                    + " WHERE holder.state = 'idle in transaction'"
                    + " AND holder.state_change < now() - interval '500 milliseconds'");
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getInt(1);
    }
  }

  private static List<OrderCreated> orders(int count) {
    List<OrderCreated> orders = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      orders.add(Orders.order(PRODUCTS.get(i % PRODUCTS.size()) + ":1"));
    }
    return orders;
  }

  private static void signal(JavaProcess process, String signal) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.process().pid()))
            .inheritIO()
            .start();
    assertTrue(kill.waitFor() == 0, "kill -" + signal);
  }

  private JavaProcess startService(TestBroker broker, String db, String name) throws Exception {
    return InventoryProcess.start(directory.resolve(name), broker, db, DEFAULT_STOCK, 10, 20);
  }
}
