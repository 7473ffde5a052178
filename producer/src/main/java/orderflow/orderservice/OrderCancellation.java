package orderflow.orderservice;

import io.opentelemetry.api.trace.Span;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.OrderCancelled;
import orderflow.orderservice.GroupCommit.Written;
import orderflow.store.Database;
import orderflow.store.Outbox;
import orderflow.store.OutboxEntry;
import orderflow.trace.TraceParent;

/**
 * Asks for an order's cancellation: in one transaction, checks the order exists and has not ended,
 * records its {@code OrderCancelled} and adds it to the outbox; shipping then decides. Idempotent:
 * a repeat answers with the first cancellation and writes nothing. Thread-safe: concurrent cancels
 * of one order are serialised by its read-model row.
 */
record OrderCancellation(
    Database database,
    String exchange,
    Clock clock,
    OrderProjector projector,
    Consumer<List<OutboxEntry>> committed) {
  enum Answer {
    REQUESTED,
    ALREADY_REQUESTED,
    UNKNOWN_ORDER,
    ALREADY_ENDED
  }

  /** {@code reason} is the cancellation in force; {@code ended} the status of an ended order. */
  record Result(Answer answer, String reason, Optional<OrderStatus> ended) {}

  /** Throws {@link IdempotencyKeys.KeyReusedException} when the key served another request. */
  Result cancel(String orderId, String reason, String idempotencyKey) throws SQLException {
    // Checked first: an invalid request is a 400 whatever the order and the key.
    OrderCancelled cancellation = new OrderCancelled(orderId, reason);
    String fingerprint = IdempotencyKeys.fingerprint("cancel\n" + orderId + "\n" + reason);
    return IdempotencyKeys.settlingRaces(
        () -> {
          Written<Result> written;
          // Closing the connection rolls back a failed attempt.
          try (Connection connection = database.open()) {
            written =
                new IdempotencyKeys(clock)
                    .once(
                        connection,
                        idempotencyKey,
                        fingerprint,
                        orderId,
                        same -> attempt(same, cancellation),
                        (same, earlier) -> attempt(same, cancellation));
            connection.commit();
          }
          if (!written.emitted().isEmpty()) {
            committed.accept(written.emitted());
          }
          return written.result();
        });
  }

  private Written<Result> attempt(Connection connection, OrderCancelled cancellation)
      throws SQLException {
    Optional<OrderState> order =
        new OrderReadModel().findForUpdate(connection, database.dialect(), cancellation.orderId());
    if (order.isEmpty()) {
      return new Written<>(new Result(Answer.UNKNOWN_ORDER, null, Optional.empty()), List.of());
    }
    OrderState state = order.get();
    if (state.cancellationReason() != null && state.cancellationRefusal() == null) {
      Result asked =
          new Result(Answer.ALREADY_REQUESTED, state.cancellationReason(), Optional.empty());
      return new Written<>(asked, List.of());
    }
    if (state.status().terminal()) {
      Result ended = new Result(Answer.ALREADY_ENDED, null, Optional.of(state.status()));
      return new Written<>(ended, List.of());
    }
    EventEnvelope event = EventEnvelope.first(cancellation, OrderPlacement.SOURCE);
    projector.record(connection, event);
    // Continues the order's trace (the request's span links to it), else the request's.
    TraceParent trace = new OrderEventStore().trace(connection, cancellation.orderId());
    if (trace.present()) {
      Span.current().addLink(Span.fromContext(trace.context()).getSpanContext());
    } else {
      trace = TraceParent.current();
    }
    OutboxEntry entry =
        Outbox.addTraced(connection, exchange, List.of(new Outbox.Pending(event, trace))).get(0);
    return new Written<>(
        new Result(Answer.REQUESTED, cancellation.reason(), Optional.empty()), List.of(entry));
  }
}
