package orderflow.publish;

import com.rabbitmq.client.AMQP;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import orderflow.trace.MessagingAttributes;
import orderflow.trace.TraceParent;
import orderflow.trace.Tracing;

/**
 * A PRODUCER span per publish, parented on the message's context, else the current one; the message
 * then carries the span's. Tracing off: nothing is allocated. Thread-safe.
 */
public record PublishSpans(Tracing tracing) {
  public record Traced(OutgoingMessage message, Span span) {}

  public Traced start(OutgoingMessage message) {
    if (!tracing.on()) {
      return new Traced(message, Span.getInvalid());
    }
    AMQP.BasicProperties properties = message.properties();
    TraceParent carried = TraceParent.fromHeaders(properties.getHeaders());
    Context parent = carried.present() ? carried.context() : Context.current();
    Span span =
        tracing
            .tracer()
            .spanBuilder(
                (message.exchange().isEmpty() ? "<default>" : message.exchange()) + " publish")
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
    TraceParent.of(span.getSpanContext()).putInto(headers);
    return new Traced(
        new OutgoingMessage(
            message.exchange(),
            message.routingKey(),
            properties.builder().headers(headers).build(),
            message.body()),
        span);
  }

  /** Publishes inside a span that ends with the broker's answer. */
  public CompletableFuture<PublishOutcome> publish(
      ConfirmingPublisher publisher, OutgoingMessage message)
      throws IOException, InterruptedException {
    if (!tracing.on()) {
      return publisher.publish(message);
    }
    Traced traced = start(message);
    CompletableFuture<PublishOutcome> answer;
    try {
      answer = publisher.publish(traced.message());
    } catch (IOException | InterruptedException | RuntimeException e) {
      failed(traced.span(), e);
      throw e;
    }
    answer.whenComplete(
        (outcome, error) ->
            end(traced.span(), error == null ? outcome : PublishOutcome.UNCONFIRMED));
    return answer;
  }

  public static void end(Span span, PublishOutcome outcome) {
    if (outcome != PublishOutcome.CONFIRMED) {
      span.setStatus(StatusCode.ERROR, outcome.name().toLowerCase());
    }
    span.end();
  }

  public static void failed(Span span, Exception e) {
    span.recordException(e);
    span.setStatus(StatusCode.ERROR, "channel failed");
    span.end();
  }
}
