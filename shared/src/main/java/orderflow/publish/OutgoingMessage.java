package orderflow.publish;

import com.rabbitmq.client.AMQP;

/** A message ready to publish: where to, its properties and its body. */
public record OutgoingMessage(
    String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {}
