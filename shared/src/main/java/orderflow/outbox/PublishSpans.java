package orderflow.outbox;

import com.rabbitmq.client.AMQP;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.HashMap;
import java.util.Map;
import orderflow.publish.OutgoingMessage;
import orderflow.publish.PublishOutcome;
import orderflow.trace.MessagingAttributes;
import orderflow.trace.TraceParent;
import orderflow.trace.Tracing;

/**
 * The PRODUCER span of each outbox publish ({@code <exchange> publish}), parented on the trace
 * context the row was written with, so a trace continues across the outbox whichever thread or
 * process sends the row. The message then carries the span's own context. With tracing off the
 * message goes unchanged and nothing is allocated.
 */
final class PublishSpans {
  /** A message about to go out, with its span (invalid when tracing is off). */
  record Traced(OutgoingMessage message, Span span) {}

  private final Tracing tracing;

  PublishSpans(Tracing tracing) {
    this.tracing = tracing;
  }

  Traced start(OutgoingMessage message) {
    if (!tracing.on()) {
      return new Traced(message, Span.getInvalid());
    }
    AMQP.BasicProperties properties = message.properties();
    Context parent = TraceParent.fromHeaders(properties.getHeaders()).context();
    Span span =
        tracing
            .tracer()
            .spanBuilder(message.exchange() + " publish")
            .setSpanKind(SpanKind.PRODUCER)
            .setParent(parent)
            .setAttribute(MessagingAttributes.SYSTEM, MessagingAttributes.RABBITMQ)
            .setAttribute(MessagingAttributes.OPERATION_TYPE, "send")
            .setAttribute(MessagingAttributes.OPERATION_NAME, "publish")
            .setAttribute(MessagingAttributes.DESTINATION, message.exchange())
            .setAttribute(MessagingAttributes.ROUTING_KEY, message.routingKey())
            .setAttribute(MessagingAttributes.MESSAGE_ID, properties.getMessageId())
            .setAttribute(MessagingAttributes.CONVERSATION_ID, properties.getCorrelationId())
            .setAttribute(MessagingAttributes.EVENT_TYPE, properties.getType())
            .startSpan();
    Map<String, Object> headers =
        properties.getHeaders() == null ? new HashMap<>() : new HashMap<>(properties.getHeaders());
    TraceParent.of(parent.with(span)).putInto(headers);
    return new Traced(
        new OutgoingMessage(
            message.exchange(),
            message.routingKey(),
            properties.builder().headers(headers).build(),
            message.body()),
        span);
  }

  /** Ends the span with the broker's answer; anything but a confirm is an error. */
  static void end(Span span, PublishOutcome outcome) {
    if (outcome != PublishOutcome.CONFIRMED) {
      span.setStatus(StatusCode.ERROR, outcome.name().toLowerCase());
    }
    span.end();
  }

  static void failed(Span span, Exception e) {
    span.recordException(e);
    span.setStatus(StatusCode.ERROR, "channel failed");
    span.end();
  }
}
