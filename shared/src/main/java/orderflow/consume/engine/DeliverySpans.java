package orderflow.consume.engine;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import orderflow.store.Dialect;
import orderflow.trace.MessagingAttributes;
import orderflow.trace.TraceParent;
import orderflow.trace.Tracing;
import org.slf4j.MDC;

/**
 * The CONSUMER span of each delivery of one batch ({@code <queue> process}), parented on the
 * context its message carries, with the handler's span and the batch transaction's span under it. A
 * span ends when its delivery is settled: a dead letter marks it as an error, a retry is an event
 * on it. {@link #OFF} does nothing and allocates nothing.
 *
 * <p>Confined to the consumer loop's thread.
 */
class DeliverySpans {
  /** MDC key of the delivery's trace id, set while its handler runs and its outcome is logged. */
  static final String MDC_TRACE_ID = "trace_id";

  static final DeliverySpans OFF = new DeliverySpans();

  private DeliverySpans() {}

  static DeliverySpans start(Tracing tracing, String queue, List<ReceivedDelivery> batch) {
    return tracing.on() ? new Recording(tracing, queue, batch) : OFF;
  }

  /** The trace id of delivery {@code index}, or null. */
  String traceId(int index) {
    return null;
  }

  /** A span for the handler of delivery {@code index}, current until closed. */
  HandlerSpan handler(int index, String eventType) {
    return HandlerSpan.NONE;
  }

  /**
   * The span of a transaction over a batch of {@code size} deliveries, applying those not in {@code
   * decided}.
   */
  Span transaction(int size, Map<Integer, Outcome> decided, Dialect database) {
    return Span.getInvalid();
  }

  /** Delivery {@code index} was settled: acked (or returned to its queue) with its outcome. */
  void settled(int index, DeliverySettler.Settlement settlement) {}

  /** Ends every span not yet ended: the batch could not be settled. */
  void abandon(Exception cause) {}

  /** The handler's span and its scope; closing ends both. */
  static class HandlerSpan implements AutoCloseable {
    static final HandlerSpan NONE = new HandlerSpan();

    void failed(Throwable cause) {}

    @Override
    public void close() {}
  }

  /** Each outcome's name, made once per type rather than per delivery. */
  private static final ClassValue<String> OUTCOME_NAMES =
      new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
          return type.getSimpleName().toLowerCase(Locale.ROOT);
        }
      };

  private static final class Recording extends DeliverySpans {
    private final Tracing tracing;
    private final List<Span> spans;
    private final boolean[] ended;

    Recording(Tracing tracing, String queue, List<ReceivedDelivery> batch) {
      this.tracing = tracing;
      this.spans = new ArrayList<>(batch.size());
      this.ended = new boolean[batch.size()];
      String name = queue + " process";
      for (ReceivedDelivery delivery : batch) {
        spans.add(start(name, queue, delivery));
      }
    }

    private Span start(String name, String queue, ReceivedDelivery delivery) {
      Span span =
          tracing
              .tracer()
              .spanBuilder(name)
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
      return span;
    }

    @Override
    String traceId(int index) {
      return spans.get(index).getSpanContext().getTraceId();
    }

    @Override
    HandlerSpan handler(int index, String eventType) {
      Span span =
          tracing
              .tracer()
              .spanBuilder("handle " + eventType)
              .setParent(Context.root().with(spans.get(index)))
              .startSpan();
      return new Current(span, span.makeCurrent(), traceId(index));
    }

    @Override
    Span transaction(int size, Map<Integer, Outcome> decided, Dialect database) {
      SpanBuilder builder =
          tracing
              .tracer()
              .spanBuilder("transaction")
              .setAttribute(MessagingAttributes.DB_SYSTEM, database.name().toLowerCase(Locale.ROOT))
              .setAttribute(MessagingAttributes.BATCH_COUNT, (long) (size - decided.size()));
      boolean parented = false;
      for (int index = 0; index < size; index++) {
        if (decided.containsKey(index)) {
          continue;
        }
        if (!parented) {
          builder.setParent(Context.root().with(spans.get(index)));
          parented = true;
        } else {
          builder.addLink(spans.get(index).getSpanContext());
        }
      }
      if (!parented) {
        builder.setNoParent();
      }
      return builder.startSpan();
    }

    @Override
    void settled(int index, DeliverySettler.Settlement settlement) {
      Span span = spans.get(index);
      Outcome outcome = settlement.outcome();
      FailureRouter.Routed route = settlement.route();
      span.setAttribute(MessagingAttributes.OUTCOME, outcomeName(outcome));
      if (outcome instanceof Outcome.Retry retry) {
        span.recordException(retry.cause());
      } else if (outcome instanceof Outcome.DeadLetter dead) {
        span.recordException(dead.cause());
      }
      if (!settlement.acked()) {
        span.setStatus(StatusCode.ERROR, "returned to its queue: its move was not confirmed");
      } else if (route != null && route.reason() != null) {
        span.setAttribute(MessagingAttributes.ERROR_TYPE, route.reason());
        span.setStatus(StatusCode.ERROR, "dead-lettered: " + route.reason());
      } else if (route != null) {
        span.addEvent(
            "retry scheduled", Attributes.of(MessagingAttributes.RETRY_TIER, route.tier()));
      }
      span.end();
      ended[index] = true;
    }

    @Override
    void abandon(Exception cause) {
      for (int i = 0; i < spans.size(); i++) {
        if (!ended[i]) {
          spans.get(i).recordException(cause);
          spans.get(i).setStatus(StatusCode.ERROR, "not settled");
          spans.get(i).end();
          ended[i] = true;
        }
      }
    }

    private static String outcomeName(Outcome outcome) {
      return OUTCOME_NAMES.get(outcome.getClass());
    }
  }

  private static final class Current extends HandlerSpan {
    private final Span span;
    private final Scope scope;

    Current(Span span, Scope scope, String traceId) {
      this.span = span;
      this.scope = scope;
      MDC.put(MDC_TRACE_ID, traceId);
    }

    @Override
    void failed(Throwable cause) {
      span.recordException(cause);
      span.setStatus(StatusCode.ERROR);
    }

    @Override
    public void close() {
      MDC.remove(MDC_TRACE_ID);
      scope.close();
      span.end();
    }
  }
}
