package orderflow.dlq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
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
 * <p>Every operation goes through a {@link DeadLetterScan}: it holds the letters it reads, acts on
 * those the filter matches and returns the others; one operation per queue at a time. A replay
 * removes a letter only after the broker confirmed its republish, so a replay interrupted at any
 * point loses nothing: at worst the event is both back in the work queue and still in the DLQ, and
 * the consumer's inbox absorbs the second copy.
 *
 * <p>Not thread-safe; the connection is the caller's (not closed here).
 */
public final class DeadLetterQueue {
  /** The most dead letters one operation examines. */
  public static final int DEFAULT_MAX_SCAN = 10_000;

  public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(10);

  /** Body characters kept per letter in listings and results; {@code show} keeps the whole body. */
  public static final int LISTED_BODY_CHARS = 2000;

  /** Another {@code dlq} operation holds the queue; trying again later will work. */
  public static final class Busy extends IOException {
    private static final long serialVersionUID = 1L;

    Busy(String queue) {
      super(
          "busy, try again: another dlq command is working on "
              + queue
              + " (it holds every letter while it runs)");
    }
  }

  private final Connection connection;
  private final Topology topology;
  private final String workQueue;
  private final PublishSpans spans;
  private final Duration lockWait;
  private Consumer<DeadLetter> afterConfirmHook = letter -> {};

  /**
   * @param tracing makes each replay a PRODUCER span, the child of the trace context the dead
   *     letter carries, whose own context the replayed message carries on
   */
  public DeadLetterQueue(
      Connection connection, Topology topology, String workQueue, Tracing tracing) {
    this(connection, topology, workQueue, tracing, DEFAULT_LOCK_WAIT);
  }

  DeadLetterQueue(
      Connection connection,
      Topology topology,
      String workQueue,
      Tracing tracing,
      Duration lockWait) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.topology = Objects.requireNonNull(topology, "topology");
    this.workQueue = Objects.requireNonNull(workQueue, "workQueue");
    this.spans = new PublishSpans(Objects.requireNonNull(tracing, "tracing"));
    this.lockWait = Objects.requireNonNull(lockWait, "lockWait");
  }

  /** The queue's name on the broker, e.g. {@code inventory.dlq}. */
  public String queueName() {
    return topology.deadLetterQueue(workQueue);
  }

  /** The matching dead letters, oldest first, all left in the queue; bodies cut. */
  public List<DeadLetter> list(FilterOptions filter) throws IOException, InterruptedException {
    List<DeadLetter> found = new ArrayList<>();
    list(filter, found::add);
    return found;
  }

  /**
   * Hands each matching dead letter to {@code each} as it is read, oldest first, leaving all in the
   * queue. One body in memory at a time, cut to {@link #LISTED_BODY_CHARS}.
   *
   * @return how many letters matched
   * @throws Busy when another dlq operation holds the queue
   */
  public int list(FilterOptions filter, Consumer<DeadLetter> each)
      throws IOException, InterruptedException {
    return scan(filter, (scan, message, letter) -> each.accept(letter)).matched();
  }

  /** The dead letter of this {@link DeadLetter#eventId()}, with its whole body; left in place. */
  public Optional<DeadLetter> show(String eventId) throws IOException, InterruptedException {
    List<DeadLetter> found = new ArrayList<>(1);
    FilterOptions filter = FilterOptions.eventId(eventId);
    filter.limit = 1;
    scan(
        filter,
        (scan, message, letter) ->
            found.add(DeadLetter.read(message.getProps(), message.getBody(), LetterBody.WHOLE)));
    return found.stream().findFirst();
  }

  /**
   * Republishes each matching dead letter to its original exchange and routing key (persistent,
   * same properties and body, failure headers dropped, {@code x-replayed-at} set, {@code
   * x-replay-count} incremented, its {@code traceparent} kept or continued by the replay's span),
   * and removes it once the broker confirmed; an unconfirmed one stays, reported as failed.
   *
   * @throws IOException if the channel fails mid-way: letters replayed are gone from the DLQ, the
   *     one in progress may be in both queues, the others are untouched
   */
  public DlqCommand.Replay replay(FilterOptions filter, boolean dryRun)
      throws IOException, InterruptedException {
    List<DeadLetter> replayed = new ArrayList<>();
    List<DlqCommand.Failure> failed = new ArrayList<>();
    try (ConfirmingPublisher publisher =
        dryRun ? null : new ConfirmingPublisher(connection.createChannel(), 1)) {
      Scanned scanned =
          scan(
              filter,
              (scan, message, letter) -> {
                PublishOutcome outcome =
                    dryRun
                        ? PublishOutcome.CONFIRMED
                        : ConfirmingPublisher.await(
                            spans.publish(publisher, replayMessage(message, letter)),
                            ConfirmingPublisher.DEFAULT_CONFIRM_TIMEOUT);
                if (!outcome.confirmed()) {
                  failed.add(new DlqCommand.Failure(letter, outcome.name()));
                  return;
                }
                if (!dryRun) {
                  afterConfirmHook.accept(letter);
                  scan.remove(message);
                }
                replayed.add(letter);
              });
      return new DlqCommand.Replay(dryRun, scanned.taken(), replayed, failed);
    }
  }

  /** Removes the matching dead letters for good; the others stay. */
  public DlqCommand.Purge purge(FilterOptions filter, boolean dryRun)
      throws IOException, InterruptedException {
    List<DeadLetter> purged = new ArrayList<>();
    Scanned scanned =
        scan(
            filter,
            (scan, message, letter) -> {
              if (!dryRun) {
                scan.remove(message);
              }
              purged.add(letter);
            });
    return new DlqCommand.Purge(dryRun, scanned.taken(), purged);
  }

  /** Test hook: runs after a replay's confirm arrived and before the dead letter is removed. */
  void afterConfirmHook(Consumer<DeadLetter> hook) {
    this.afterConfirmHook = Objects.requireNonNull(hook, "hook");
  }

  @FunctionalInterface
  private interface Action {
    void apply(DeadLetterScan scan, GetResponse message, DeadLetter letter)
        throws IOException, InterruptedException;
  }

  private record Scanned(int taken, int matched) {}

  /** Applies {@code action} to each matching letter, up to the filter's limit. */
  private Scanned scan(FilterOptions filter, Action action)
      throws IOException, InterruptedException {
    try (DeadLetterScan scan =
        DeadLetterScan.open(connection, queueName(), DEFAULT_MAX_SCAN, lockWait)) {
      int matched = 0;
      GetResponse message;
      while (!filter.limitReached(matched) && (message = scan.next()) != null) {
        DeadLetter letter =
            DeadLetter.read(message.getProps(), message.getBody(), LISTED_BODY_CHARS);
        if (filter.matches(letter)) {
          matched++;
          action.apply(scan, message, letter);
        }
      }
      return new Scanned(scan.taken(), matched);
    }
  }

  OutgoingMessage replayMessage(GetResponse message, DeadLetter letter) {
    AMQP.BasicProperties original = message.getProps();
    Map<String, Object> headers =
        new HashMap<>(original.getHeaders() == null ? Map.of() : original.getHeaders());
    // Drop what described the failure: ours, and the broker's dead-lettering.
    headers.keySet().removeAll(DeadLetterHeaders.FAILURE_HEADERS);
    headers
        .keySet()
        .removeIf(name -> name.matches("x-(death|(first|last)-death-.*|delivery-count)"));
    Object count = headers.get(DeadLetterHeaders.REPLAY_COUNT);
    headers.put(DeadLetterHeaders.REPLAY_COUNT, count instanceof Number n ? n.intValue() + 1 : 1);
    headers.put(DeadLetterHeaders.REPLAYED_AT, Instant.now().toString());
    AMQP.BasicProperties properties =
        original.builder().headers(headers).deliveryMode(EventMessages.PERSISTENT).build();
    // Without a recorded origin, straight back to the work queue.
    boolean knownOrigin = letter.originalExchange() != null && letter.originalRoutingKey() != null;
    return new OutgoingMessage(
        knownOrigin ? letter.originalExchange() : "",
        knownOrigin ? letter.originalRoutingKey() : topology.queue(workQueue),
        properties,
        message.getBody());
  }
}
