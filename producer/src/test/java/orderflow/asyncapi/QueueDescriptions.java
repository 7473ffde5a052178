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
    if (queueName.equals(topology.eventsStream())) {
      return "Stream (x-queue-type=stream) of every event, kept "
          + topology.stream().maxAge()
          + " or up to "
          + topology.stream().maxLengthBytes()
          + " bytes whoever has read it; a reader consumes with manual acks, a prefetch and the"
          + " x-stream-offset argument (first, last, next, an offset or a timestamp), and each"
          + " delivery carries its offset in the x-stream-offset header.";
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
