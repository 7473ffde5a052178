package orderflow.asyncapi;

import java.time.Duration;
import orderflow.topology.RetryTiers;
import orderflow.topology.Topology;

/** One sentence per queue of the topology: what it holds and where its messages go next. */
final class QueueDescriptions {
  private QueueDescriptions() {}

  static String of(Topology topology, String queueName) {
    if (queueName.equals(topology.legacyQueue())) {
      return "Legacy ingress, declared exactly as seed 000's pika code declares it: version 1"
          + " OrderCreated sent through the default exchange.";
    }
    for (String work : topology.workQueues()) {
      if (queueName.equals(topology.queue(work))) {
        return "Work queue of the "
            + work
            + " service. Dead-letters at-least-once to "
            + topology.deadLetterExchange()
            + " after "
            + Topology.DELIVERY_LIMIT
            + " deliveries (a message that keeps crashing its consumer).";
      }
      if (queueName.equals(topology.deadLetterQueue(work))) {
        return "Dead letters of "
            + work
            + ", kept until an operator lists, replays or purges them (dlq commands).";
      }
      for (Duration delay : topology.tiers().delays()) {
        if (queueName.equals(topology.retryQueue(work, delay))) {
          return "Retries of "
              + work
              + " waiting "
              + RetryTiers.label(delay)
              + "; on expiry the broker returns them to "
              + topology.queue(work)
              + " through the default exchange.";
        }
      }
    }
    throw new IllegalArgumentException("not a queue of the topology: " + queueName);
  }
}
