package orderflow.orderservice;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import orderflow.envelope.EventCodec;
import orderflow.store.Database;

/**
 * Writes one page of {@code GET /orders}, {@code {"orders":[...],"nextCursor":..}}, encoding rows
 * as they are read; {@code nextCursor} is null on the last page. Thread-safe.
 */
final class OrderPage {
  static final int MAX_LIMIT = 500;

  private final Database database;
  private final OrderReadModel readModel = new OrderReadModel();

  OrderPage(Database database) {
    this.database = database;
  }

  /** {@code filter}'s limit is the page size, 1 to {@link #MAX_LIMIT}. */
  void write(OrderFilter filter, OutputStream out) throws IOException {
    int pageSize = filter.limit();
    // One row more than the page tells whether another page follows.
    OrderFilter probe =
        new OrderFilter(
            filter.customerId(), filter.status(), filter.since(), pageSize + 1, filter.after());
    try (Connection connection = database.openReadOnly();
        JsonGenerator json =
            EventCodec.mapper()
                .getFactory()
                .createGenerator(out)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
      json.writeStartObject();
      json.writeArrayFieldStart("orders");
      int[] written = {0};
      OrderState[] last = {null};
      boolean[] more = {false};
      readModel.forEach(
          connection,
          probe,
          order -> {
            if (written[0] == pageSize) {
              more[0] = true;
              return;
            }
            try {
              json.writeObject(OrderDetails.summaryJson(order));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            written[0]++;
            last[0] = order;
          });
      json.writeEndArray();
      json.writeStringField("nextCursor", more[0] ? OrderCursor.after(last[0]).encode() : null);
      json.writeEndObject();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (SQLException e) {
      throw new IllegalStateException("order database failed: " + e.getMessage(), e);
    }
  }
}
