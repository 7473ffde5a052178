package orderflow.broker;

import com.rabbitmq.client.impl.recovery.RecordedBinding;
import com.rabbitmq.client.impl.recovery.RecordedConsumer;
import com.rabbitmq.client.impl.recovery.RecordedEntity;
import com.rabbitmq.client.impl.recovery.RecordedExchange;
import com.rabbitmq.client.impl.recovery.RecordedQueue;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;

/**
 * Topology recovery of what was declared on channels still open. The client records every
 * declaration and, after a reconnection, repeats each on the channel it was made on; our processes
 * declare the topology on a short-lived channel, closed at once, and the client would fail on every
 * one of those entities, each an error in the log, restoring nothing. What they declare is durable
 * (it survives a node's restart, and quorum queues live on the other nodes) or is declared again by
 * its owner (the legacy bridge's {@code order_events}, a consumer loop resubscribing); what lives
 * on an open channel (consumers, the producer's temporary queue) is still recovered.
 */
final class OpenChannelsOnly implements TopologyRecoveryFilter {
  @Override
  public boolean filterExchange(RecordedExchange exchange) {
    return onOpenChannel(exchange);
  }

  @Override
  public boolean filterQueue(RecordedQueue queue) {
    return onOpenChannel(queue);
  }

  @Override
  public boolean filterBinding(RecordedBinding binding) {
    return onOpenChannel(binding);
  }

  @Override
  public boolean filterConsumer(RecordedConsumer consumer) {
    return onOpenChannel(consumer);
  }

  private static boolean onOpenChannel(RecordedEntity entity) {
    return entity.getChannel() != null && entity.getChannel().isOpen();
  }
}
