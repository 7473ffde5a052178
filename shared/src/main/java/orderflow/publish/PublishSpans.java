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
 * The PRODUCER span of each publish ({@code <exchange> publish}, docs/architecture.md section 9.3).
 * Its parent is the trace context the message already carries (an outbox row's, a legacy or
 * dead-lettered message's), else the current one (a new trace when nothing is current); the message
 * then carries the span's own context, so the consumer's span is the publish's child. With tracing
 * off the message goes unchanged and nothing is allocated.
 *
 * <p>This class is thread-safe.
 */
public final class PublishSpans {
  /** A message about to go out, with its span (invalid when tracing is off). */
  public record Traced(OutgoingMessage message, Span span) {}

  private final Tracing tracing;

  public PublishSpans(Tracing tracing) {
    this.tracing = tracing;
  }

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

  /**
   * Publishes {@code message} inside its span, which ends with the broker's answer (on the
   * connection's thread). Without tracing it is {@code publisher.publish(message)}.
   */
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

  /** Ends the span with the broker's answer; anything but a confirm is an error. */
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
