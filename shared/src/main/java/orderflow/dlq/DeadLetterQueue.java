package orderflow.dlq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
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
import java.util.stream.Stream;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.EventMessages;
import orderflow.publish.OutgoingMessage;
import orderflow.publish.PublishOutcome;
import orderflow.publish.PublishSpans;
import orderflow.topology.Topology;
import orderflow.trace.Tracing;

/**
 * The dead-letter queue of one work queue ({@code <queue>.dlq}): list, show, replay and purge.
 *
 * <p>Every operation takes the queue's messages one at a time and holds them unacknowledged on a
 * channel of its own (see {@link DeadLetterScan}), acts on those the filter matches and returns the
 * others untouched. One operation runs per queue at a time: another waits up to {@link
 * #DEFAULT_LOCK_WAIT}, then fails with {@link DeadLetterQueueBusyException}. Letters are selected
 * by {@link DeadLetter#eventId()}, which comes from the body, never from the AMQP properties alone.
 * A replay removes a dead letter only after the broker confirmed its republish, so a replay
 * interrupted at any point loses nothing: at worst the event is both back in the work queue and
 * still in the DLQ, and the consumer's inbox absorbs the second copy.
 *
 * <p>Not thread-safe; the connection is the caller's (not closed here).
 */
public final class DeadLetterQueue {
  /** The most dead letters one operation examines (AMQP prefetch is at most 65535). */
  public static final int DEFAULT_MAX_SCAN = 10_000;

  /** How long an operation waits for another one on the same queue to finish. */
  public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(10);

  /** Body characters kept per letter in listings and results; {@code show} keeps the whole body. */
  public static final int LISTED_BODY_CHARS = 2000;

  public static final Duration DEFAULT_CONFIRM_TIMEOUT =
      ConfirmingPublisher.DEFAULT_CONFIRM_TIMEOUT;

  /** Headers describing the failure or the broker's dead-lettering, dropped on replay. */
  static final List<String> FAILURE_HEADERS =
      Stream.concat(
              DeadLetterHeaders.FAILURE_HEADERS.stream(),
              Stream.of(
                  DeadLetterReader.X_DEATH,
                  DeadLetterReader.X_FIRST_DEATH_REASON,
                  DeadLetterReader.X_FIRST_DEATH_QUEUE,
                  DeadLetterReader.X_FIRST_DEATH_EXCHANGE,
                  "x-last-death-reason",
                  "x-last-death-queue",
                  "x-last-death-exchange",
                  DeadLetterReader.X_DELIVERY_COUNT))
          .toList();

  private final Connection connection;
  private final Topology topology;
  private final String workQueue;
  private final Clock clock;
  private final Duration lockWait;
  private final PublishSpans spans;
  private Consumer<DeadLetter> afterConfirmHook = letter -> {};

  public DeadLetterQueue(Connection connection, Topology topology, String workQueue) {
    this(connection, topology, workQueue, Tracing.OFF);
  }

  /**
   * @param tracing makes each replay a PRODUCER span, the child of the trace context the dead
   *     letter carries, whose own context the replayed message carries on
   */
  public DeadLetterQueue(
      Connection connection, Topology topology, String workQueue, Tracing tracing) {
    this(connection, topology, workQueue, Clock.systemUTC(), DEFAULT_LOCK_WAIT, tracing);
  }

  DeadLetterQueue(
      Connection connection, Topology topology, String workQueue, Clock clock, Duration lockWait) {
    this(connection, topology, workQueue, clock, lockWait, Tracing.OFF);
  }

  DeadLetterQueue(
      Connection connection,
      Topology topology,
      String workQueue,
      Clock clock,
      Duration lockWait,
      Tracing tracing) {
    this.spans = new PublishSpans(Objects.requireNonNull(tracing, "tracing"));
    this.connection = Objects.requireNonNull(connection, "connection");
    this.topology = Objects.requireNonNull(topology, "topology");
    this.workQueue = Objects.requireNonNull(workQueue, "workQueue");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lockWait = Objects.requireNonNull(lockWait, "lockWait");
  }

  /** The queue's name on the broker, e.g. {@code inventory.dlq}. */
  public String queueName() {
    return topology.deadLetterQueue(workQueue);
  }

  /**
   * The matching dead letters, oldest first, leaving every one in the queue. Bodies are cut to
   * {@link #LISTED_BODY_CHARS}; for an unbounded number of letters use {@link
   * #list(DeadLetterFilter, Consumer)}.
   */
  public List<DeadLetter> list(DeadLetterFilter filter) throws IOException, InterruptedException {
    List<DeadLetter> found = new ArrayList<>();
    list(filter, found::add);
    return found;
  }

  /**
   * Hands each matching dead letter to {@code each} as it is read, oldest first, and leaves every
   * one in the queue. Only one message is in memory at a time and bodies are cut to {@link
   * #LISTED_BODY_CHARS}, so a queue of large letters lists in little memory.
   *
   * @return how many letters matched
   * @throws DeadLetterQueueBusyException when another dlq operation holds the queue
   */
  public int list(DeadLetterFilter filter, Consumer<DeadLetter> each)
      throws IOException, InterruptedException {
    int matched = 0;
    try (DeadLetterScan scan = scan()) {
      for (GetResponse message = scan.next();
          message != null && !filter.limitReached(matched);
          message = scan.next()) {
        DeadLetter letter = read(message, LISTED_BODY_CHARS);
        if (filter.matches(letter)) {
          matched++;
          each.accept(letter);
        }
      }
    }
    return matched;
  }

  /**
   * The dead letter whose {@link DeadLetter#eventId()} (the body's eventId, or the digest id of an
   * undecodable body) is {@code eventId}, with its whole body; left in the queue.
   */
  public Optional<DeadLetter> show(String eventId) throws IOException, InterruptedException {
    DeadLetterFilter filter = DeadLetterFilter.eventId(eventId);
    try (DeadLetterScan scan = scan()) {
      for (GetResponse message = scan.next(); message != null; message = scan.next()) {
        DeadLetter letter = read(message, LISTED_BODY_CHARS);
        if (filter.matches(letter)) {
          return Optional.of(read(message, BodyText.WHOLE));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Republishes each matching dead letter to its original exchange and routing key (persistent,
   * same properties and body, failure headers dropped, {@code x-replayed-at} set and {@code
   * x-replay-count} incremented, its {@code traceparent} kept, or with tracing continued by the
   * replay's PRODUCER span), and removes it once the broker confirmed; a letter whose republish is
   * not confirmed stays in the DLQ and is reported in {@link ReplayResult#failed()}.
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
      for (GetResponse message = scan.next(); message != null; message = scan.next()) {
        DeadLetter letter = read(message, LISTED_BODY_CHARS);
        int taken = replayed.size() + failed.size();
        if (filter.limitReached(taken) || !filter.matches(letter)) {
          continue;
        }
        if (dryRun) {
          replayed.add(letter);
          continue;
        }
        PublishOutcome outcome =
            ConfirmingPublisher.await(
                spans.publish(publisher, replayMessage(message, letter)), DEFAULT_CONFIRM_TIMEOUT);
        if (outcome.confirmed()) {
          afterConfirmHook.accept(letter);
          scan.remove(message);
          replayed.add(letter);
        } else {
          failed.add(new ReplayResult.Failure(letter, outcome.name()));
        }
      }
      scanned = scan.taken();
    }
    return new ReplayResult(dryRun, scanned, replayed, failed);
  }

  /** Removes the matching dead letters for good; the others stay. */
  public PurgeResult purge(DeadLetterFilter filter, boolean dryRun)
      throws IOException, InterruptedException {
    List<DeadLetter> purged = new ArrayList<>();
    int scanned;
    try (DeadLetterScan scan = scan()) {
      for (GetResponse message = scan.next(); message != null; message = scan.next()) {
        DeadLetter letter = read(message, LISTED_BODY_CHARS);
        if (filter.limitReached(purged.size()) || !filter.matches(letter)) {
          continue;
        }
        purged.add(letter);
        if (!dryRun) {
          scan.remove(message);
        }
      }
      scanned = scan.taken();
    }
    return new PurgeResult(dryRun, scanned, purged);
  }

  /** Test hook: runs after a replay's confirm arrived and before the dead letter is removed. */
  void afterConfirmHook(Consumer<DeadLetter> hook) {
    this.afterConfirmHook = Objects.requireNonNull(hook, "hook");
  }

  private DeadLetterScan scan() throws IOException, InterruptedException {
    return DeadLetterScan.open(connection, queueName(), DEFAULT_MAX_SCAN, lockWait);
  }

  private static DeadLetter read(GetResponse message, int maxBodyChars) {
    return DeadLetterReader.read(message.getProps(), message.getBody(), maxBodyChars);
  }

  private ConfirmingPublisher publisher() throws IOException {
    return new ConfirmingPublisher(connection.createChannel(), 1);
  }

  OutgoingMessage replayMessage(GetResponse message, DeadLetter letter) {
    AMQP.BasicProperties original = message.getProps();
    Map<String, Object> headers =
        original.getHeaders() == null ? new HashMap<>() : new HashMap<>(original.getHeaders());
    FAILURE_HEADERS.forEach(headers::remove);
    Object count = headers.get(DeadLetterHeaders.REPLAY_COUNT);
    int replays = count instanceof Number number ? number.intValue() : 0;
    headers.put(DeadLetterHeaders.REPLAY_COUNT, replays + 1);
    headers.put(DeadLetterHeaders.REPLAYED_AT, clock.instant().toString());
    AMQP.BasicProperties properties =
        original.builder().headers(headers).deliveryMode(EventMessages.PERSISTENT).build();
    // Without a recorded origin, send it straight back to the work queue.
    boolean knownOrigin = letter.originalExchange() != null && letter.originalRoutingKey() != null;
    String exchange = knownOrigin ? letter.originalExchange() : "";
    String routingKey = knownOrigin ? letter.originalRoutingKey() : topology.queue(workQueue);
    return new OutgoingMessage(exchange, routingKey, properties, message.getBody());
  }
}
