package orderflow.publish;

import com.rabbitmq.client.AMQP;
import java.util.Objects;

/** A message ready to publish: where to, its properties and its body. */
public record OutgoingMessage(
    String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {
  public OutgoingMessage {
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(routingKey, "routingKey");
    Objects.requireNonNull(properties, "properties");
    Objects.requireNonNull(body, "body");
  }
}
