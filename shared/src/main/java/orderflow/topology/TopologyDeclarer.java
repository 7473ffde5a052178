package orderflow.topology;

import com.rabbitmq.client.Channel;
import java.io.IOException;

/** Declares a {@link Topology} idempotently. */
public final class TopologyDeclarer {
  private TopologyDeclarer() {}

  public static void declare(Channel channel, Topology topology) throws IOException {
    for (ExchangeSpec exchange : topology.exchanges()) {
      channel.exchangeDeclare(exchange.name(), exchange.type(), true, false, null);
    }
    for (QueueSpec queue : topology.queues()) {
      channel.queueDeclare(queue.name(), queue.durable(), false, false, queue.arguments());
    }
    for (BindingSpec binding : topology.bindings()) {
      channel.queueBind(binding.queue(), binding.exchange(), binding.routingKey());
    }
  }
}
