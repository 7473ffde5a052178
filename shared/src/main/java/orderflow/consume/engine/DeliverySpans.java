package orderflow.consume.engine;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import orderflow.store.Database;
import orderflow.trace.MessagingAttributes;
import orderflow.trace.TraceParent;
import orderflow.trace.Tracing;
import org.slf4j.MDC;

/**
 * The CONSUMER span of each delivery of one batch ({@code <queue> process}), parented on the
 * context its message carries, with the handler's span and the batch transaction's span under it. A
 * span ends when its delivery is settled: a dead letter marks it as an error, a retry is an event
 * on it. {@link #OFF} records nothing and allocates nothing.
 *
 * <p>Confined to the consumer loop's thread.
 */
record DeliverySpans(Tracer tracer, List<Span> spans) {
  /** MDC key of the delivery's trace id, set while its handler runs and its outcome is logged. */
  static final String MDC_TRACE_ID = "trace_id";

  static final DeliverySpans OFF = new DeliverySpans(null, List.of());

  static DeliverySpans start(Tracing tracing, String queue, List<ReceivedDelivery> batch) {
    if (!tracing.on()) {
      return OFF;
    }
    List<Span> spans = new ArrayList<>(batch.size());
    for (ReceivedDelivery delivery : batch) {
      Span span =
          tracing
              .tracer()
              .spanBuilder(queue + " process")
              .setSpanKind(SpanKind.CONSUMER)
              .setParent(TraceParent.fromHeaders(delivery.properties().getHeaders()).context())
              .setAttribute(MessagingAttributes.SYSTEM, MessagingAttributes.RABBITMQ)
              .setAttribute(MessagingAttributes.OPERATION_TYPE, "process")
              .setAttribute(MessagingAttributes.OPERATION_NAME, "process")
              .setAttribute(MessagingAttributes.DESTINATION, queue)
              .setAttribute(MessagingAttributes.ROUTING_KEY, delivery.envelope().getRoutingKey())
              .setAttribute(MessagingAttributes.MESSAGE_ID, delivery.properties().getMessageId())
              .setAttribute(
                  MessagingAttributes.CONVERSATION_ID, delivery.properties().getCorrelationId())
              .setAttribute(MessagingAttributes.EVENT_TYPE, delivery.eventTypeLabel())
              .setAttribute(MessagingAttributes.DELIVERY_TAG, delivery.tag())
              .startSpan();
      int previousAttempts = delivery.previousAttempts();
      if (previousAttempts > 0) {
        // Only a retried delivery says its attempt: without the attribute it is the first.
        span.setAttribute(MessagingAttributes.ATTEMPT, previousAttempts + 1L);
        span.addEvent("retried delivery");
      }
      if (delivery.envelope().isRedeliver()) {
        span.addEvent("redelivered");
      }
      spans.add(span);
    }
    return new DeliverySpans(tracing.tracer(), spans);
  }

  /** The trace id of delivery {@code index}, or null. */
  String traceId(int index) {
    return tracer == null ? null : spans.get(index).getSpanContext().getTraceId();
  }

  /** What a handler does, run in its span. */
  @FunctionalInterface
  interface HandlerCall {
    void run() throws Exception;
  }

  /** Runs the handler of delivery {@code index} with its span current and its trace id in MDC. */
  void handle(int index, String eventType, HandlerCall handler) throws Exception {
    if (tracer == null) {
      handler.run();
      return;
    }
    Span span =
        tracer
            .spanBuilder("handle " + eventType)
            .setParent(Context.root().with(spans.get(index)))
            .startSpan();
    MDC.put(MDC_TRACE_ID, traceId(index));
    try (Scope scope = span.makeCurrent()) {
      handler.run();
    } catch (Exception e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR);
      throw e;
    } finally {
      MDC.remove(MDC_TRACE_ID);
      span.end();
    }
  }

  /**
   * The span of the transaction applying deliveries {@code indexes}: a child of the first, linked
   * to the others.
   */
  Span transaction(List<Integer> indexes, Database database) {
    if (tracer == null) {
      return Span.getInvalid();
    }
    SpanBuilder builder =
        tracer
            .spanBuilder("transaction")
            .setAttribute(
                MessagingAttributes.DB_SYSTEM, database.dialect().name().toLowerCase(Locale.ROOT))
            .setAttribute(MessagingAttributes.BATCH_COUNT, (long) indexes.size())
            .setParent(Context.root().with(spans.get(indexes.get(0))));
    for (int index : indexes.subList(1, indexes.size())) {
      builder.addLink(spans.get(index).getSpanContext());
    }
    return builder.startSpan();
  }

  /** Delivery {@code index} was settled: acked (or returned to its queue) with its outcome. */
  void settled(int index, DeliverySettler.Settlement settlement) {
    if (tracer == null) {
      return;
    }
    Span span = spans.get(index);
    Outcome outcome = settlement.outcome();
    span.setAttribute(
        MessagingAttributes.OUTCOME, outcome.getClass().getSimpleName().toLowerCase(Locale.ROOT));
    if (outcome.cause() != null) {
      span.recordException(outcome.cause());
    }
    if (!settlement.acked()) {
      span.setStatus(StatusCode.ERROR, "returned to its queue: its move was not confirmed");
    } else if (settlement.reason() != null) {
      span.setAttribute(MessagingAttributes.ERROR_TYPE, settlement.reason());
      span.setStatus(StatusCode.ERROR, "dead-lettered: " + settlement.reason());
    } else if (settlement.tier() != null) {
      span.addEvent(
          "retry scheduled", Attributes.of(MessagingAttributes.RETRY_TIER, settlement.tier()));
    }
    span.end();
  }

  /** Ends every span not yet ended: the batch could not be settled. */
  void abandon(Exception cause) {
    for (Span span : spans) {
      if (span.isRecording()) {
        span.recordException(cause);
        span.setStatus(StatusCode.ERROR, "not settled");
        span.end();
      }
    }
  }
}
