package orderflow.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventPayload;
import orderflow.envelope.OrderCreated;
import orderflow.testing.RecordingContext;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/** Reserving stock on PostgreSQL, in a schema of the test's own. */
class ReserveInventoryHandlerPostgresIT extends ReserveInventoryContract {
  @Override
  String databaseUrl() {
    return TestDatabases.freshPostgresSchema();
  }

  /**
   * The one-statement path took the stock, then lost the claim to a cancellation committed after
   * its snapshot: the stock goes back and nothing is emitted.
   */
  @Test
  void anOrderCancelledWhileItsStockIsTakenGetsTheStockBackAndNoDecision() throws Exception {
    handle(order(item("apple", 1)));
    OrderCreated order = order(item("apple", 4));
    try (Connection canceller = database.open()) {
      assertTrue(
          new Reservations(canceller)
              .markCancelledBeforeReserved(order.orderId(), "cancelled", 1L));
      CompletableFuture<List<EventPayload>> decided =
          CompletableFuture.supplyAsync(
              () -> {
                try (Connection connection = database.open()) {
                  RecordingContext context = new RecordingContext(connection);
                  handler.handle(EventEnvelope.first(order, "producer"), context);
                  connection.commit();
                  return context.emitted();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      Thread.sleep(500);
      assertFalse(decided.isDone(), "the claim should wait for the cancelling transaction");
      canceller.commit();

      assertEquals(List.of(), decided.get(10, TimeUnit.SECONDS));
    }
    assertEquals(new StockLedger.StockLevel("apple", 99, 1), level("apple"));
    assertEquals(
        0,
        count("SELECT COUNT(*) FROM stock_movements WHERE order_id = '" + order.orderId() + "'"));
  }
}
