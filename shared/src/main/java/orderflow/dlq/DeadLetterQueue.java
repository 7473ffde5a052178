package orderflow.dlq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import orderflow.consume.DeadLetterHeaders;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.EventMessages;
import orderflow.publish.OutgoingMessage;
import orderflow.publish.PublishOutcome;
import orderflow.topology.Topology;

/**
 * The dead-letter queue of one work queue ({@code <queue>.dlq}): list, show, replay and purge.
 *
 * <p>Every operation holds the queue's messages unacknowledged on a channel of its own (see {@link
 * DeadLetterScan}), acts on those the filter matches and returns the others untouched. A replay
 * removes a dead letter only after the broker confirmed its republish, so a replay interrupted at
 * any point loses nothing: at worst the event is both back in the work queue and still in the DLQ,
 * and the consumer's inbox absorbs the second copy.
 *
 * <p>Not thread-safe; the connection is the caller's (not closed here).
 */
public final class DeadLetterQueue {
  /** The most dead letters one operation examines (AMQP prefetch is at most 65535). */
  public static final int DEFAULT_MAX_SCAN = 10_000;

  /** How long a browse waits for the next delivery before it stops early. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(2);

  public static final Duration DEFAULT_CONFIRM_TIMEOUT =
      ConfirmingPublisher.DEFAULT_CONFIRM_TIMEOUT;

  /** Headers describing the failure or the broker's dead-lettering, dropped on replay. */
  static final List<String> FAILURE_HEADERS =
      List.of(
          DeadLetterHeaders.REASON,
          DeadLetterHeaders.EXCEPTION_CLASS,
          DeadLetterHeaders.EXCEPTION_MESSAGE,
          DeadLetterHeaders.ATTEMPTS,
          DeadLetterHeaders.FIRST_FAILURE_AT,
          DeadLetterHeaders.LAST_FAILURE_AT,
          DeadLetterHeaders.ORIGINAL_EXCHANGE,
          DeadLetterHeaders.ORIGINAL_ROUTING_KEY,
          DeadLetterHeaders.CONSUMER,
          DeadLetterReader.X_DEATH,
          DeadLetterReader.X_FIRST_DEATH_REASON,
          DeadLetterReader.X_FIRST_DEATH_QUEUE,
          DeadLetterReader.X_FIRST_DEATH_EXCHANGE,
          "x-last-death-reason",
          "x-last-death-queue",
          "x-last-death-exchange",
          DeadLetterReader.X_DELIVERY_COUNT);

  private final Connection connection;
  private final Topology topology;
  private final String workQueue;
  private final Clock clock;
  private Consumer<DeadLetter> afterConfirmHook = letter -> {};

  public DeadLetterQueue(Connection connection, Topology topology, String workQueue) {
    this(connection, topology, workQueue, Clock.systemUTC());
  }

  DeadLetterQueue(Connection connection, Topology topology, String workQueue, Clock clock) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.topology = Objects.requireNonNull(topology, "topology");
    this.workQueue = Objects.requireNonNull(workQueue, "workQueue");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The queue's name on the broker, e.g. {@code inventory.dlq}. */
  public String queueName() {
    return topology.deadLetterQueue(workQueue);
  }

  /** The matching dead letters, oldest first, leaving every one in the queue. */
  public List<DeadLetter> list(DeadLetterFilter filter) throws IOException, InterruptedException {
    List<DeadLetter> found = new ArrayList<>();
    try (DeadLetterScan scan = scan()) {
      for (DeadLetterScan.Held held : scan.held()) {
        if (!filter.limitReached(found.size()) && filter.matches(held.letter())) {
          found.add(held.letter());
        }
      }
    }
    return found;
  }

  /** The dead letter of an event, left in the queue. */
  public Optional<DeadLetter> show(String eventId) throws IOException, InterruptedException {
    return list(DeadLetterFilter.eventId(eventId)).stream().findFirst();
  }

  /**
   * Republishes each matching dead letter to its original exchange and routing key (persistent,
   * same properties and body, failure headers dropped, {@code x-replayed-at} set and {@code
   * x-replay-count} incremented), and removes it once the broker confirmed; a letter whose
   * republish is not confirmed stays in the DLQ and is reported in {@link ReplayResult#failed()}.
   *
   * @throws IOException if the channel fails mid-way; letters already replayed are gone from the
   *     DLQ, the one in progress may be in both queues, the others are untouched
   */
  public ReplayResult replay(DeadLetterFilter filter, boolean dryRun)
      throws IOException, InterruptedException {
    List<DeadLetter> replayed = new ArrayList<>();
    List<ReplayResult.Failure> failed = new ArrayList<>();
    int scanned;
    try (DeadLetterScan scan = scan();
        ConfirmingPublisher publisher = dryRun ? null : publisher()) {
      scanned = scan.held().size();
      for (DeadLetterScan.Held held : scan.held()) {
        int taken = replayed.size() + failed.size();
        if (filter.limitReached(taken) || !filter.matches(held.letter())) {
          scan.putBack(held);
        } else if (dryRun) {
          replayed.add(held.letter());
          scan.putBack(held);
        } else {
          PublishOutcome outcome =
              publisher.publishAndWait(replayMessage(held), DEFAULT_CONFIRM_TIMEOUT);
          if (outcome.confirmed()) {
            afterConfirmHook.accept(held.letter());
            scan.remove(held);
            replayed.add(held.letter());
          } else {
            scan.putBack(held);
            failed.add(new ReplayResult.Failure(held.letter(), outcome.name()));
          }
        }
      }
    }
    return new ReplayResult(dryRun, scanned, replayed, failed);
  }

  /** Removes the matching dead letters for good; the others stay. */
  public PurgeResult purge(DeadLetterFilter filter, boolean dryRun)
      throws IOException, InterruptedException {
    List<DeadLetter> purged = new ArrayList<>();
    int scanned;
    try (DeadLetterScan scan = scan()) {
      scanned = scan.held().size();
      for (DeadLetterScan.Held held : scan.held()) {
        if (filter.limitReached(purged.size()) || !filter.matches(held.letter())) {
          scan.putBack(held);
        } else {
          purged.add(held.letter());
          if (dryRun) {
            scan.putBack(held);
          } else {
            scan.remove(held);
          }
        }
      }
    }
    return new PurgeResult(dryRun, scanned, purged);
  }

  /** Test hook: runs after a replay's confirm arrived and before the dead letter is removed. */
  void afterConfirmHook(Consumer<DeadLetter> hook) {
    this.afterConfirmHook = Objects.requireNonNull(hook, "hook");
  }

  private DeadLetterScan scan() throws IOException, InterruptedException {
    return DeadLetterScan.open(connection, queueName(), DEFAULT_MAX_SCAN, DEFAULT_IDLE_TIMEOUT);
  }

  private ConfirmingPublisher publisher() throws IOException {
    return new ConfirmingPublisher(connection.createChannel(), 1);
  }

  OutgoingMessage replayMessage(DeadLetterScan.Held held) {
    AMQP.BasicProperties original = held.delivery().getProperties();
    Map<String, Object> headers =
        original.getHeaders() == null ? new HashMap<>() : new HashMap<>(original.getHeaders());
    FAILURE_HEADERS.forEach(headers::remove);
    Object count = headers.get(DeadLetterHeaders.REPLAY_COUNT);
    int replays = count instanceof Number number ? number.intValue() : 0;
    headers.put(DeadLetterHeaders.REPLAY_COUNT, replays + 1);
    headers.put(DeadLetterHeaders.REPLAYED_AT, clock.instant().toString());
    AMQP.BasicProperties properties =
        original.builder().headers(headers).deliveryMode(EventMessages.PERSISTENT).build();
    DeadLetter letter = held.letter();
    // Without a recorded origin, send it straight back to the work queue.
    boolean knownOrigin = letter.originalExchange() != null && letter.originalRoutingKey() != null;
    String exchange = knownOrigin ? letter.originalExchange() : "";
    String routingKey = knownOrigin ? letter.originalRoutingKey() : topology.queue(workQueue);
    return new OutgoingMessage(exchange, routingKey, properties, held.delivery().getBody());
  }
}
