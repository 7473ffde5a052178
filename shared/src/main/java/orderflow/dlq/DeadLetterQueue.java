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
 * List, show, replay and purge the dead-letter queue of one work queue, one operation at a time
 * ({@link DeadLetterScan}). A replay removes a letter only after the broker confirmed its
 * republish: an interrupted replay loses nothing, at worst the inbox absorbs a second copy.
 */
public final class DeadLetterQueue {
  public static final int DEFAULT_MAX_SCAN = 10_000;
  public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(10);

  /** Body characters kept per letter in listings and results; {@code show} keeps the whole body. */
  public static final int LISTED_BODY_CHARS = 2000;

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
    this.connection = connection;
    this.topology = topology;
    this.workQueue = workQueue;
    this.spans = new PublishSpans(tracing);
    this.lockWait = lockWait;
  }

  public String queueName() {
    return topology.deadLetterQueue(workQueue);
  }

  public int list(FilterOptions filter, Consumer<DeadLetter> each)
      throws IOException, InterruptedException {
    return scan(filter, (scan, message, letter) -> each.accept(letter)).matched();
  }

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

  void afterConfirmHook(Consumer<DeadLetter> hook) {
    this.afterConfirmHook = hook;
  }

  private interface Action {
    void apply(DeadLetterScan scan, GetResponse message, DeadLetter letter)
        throws IOException, InterruptedException;
  }

  private record Scanned(int taken, int matched) {}

  private Scanned scan(FilterOptions filter, Action action)
      throws IOException, InterruptedException {
    try (DeadLetterScan scan =
        DeadLetterScan.open(connection, queueName(), DEFAULT_MAX_SCAN, lockWait)) {
      int matched = 0;
      GetResponse message;
      while ((filter.limit == null || matched < filter.limit) && (message = scan.next()) != null) {
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
    headers.keySet().removeAll(DeadLetterHeaders.FAILURE_HEADERS);
    headers
        .keySet()
        .removeIf(name -> name.matches("x-(death|(first|last)-death-.*|delivery-count)"));
    Object count = headers.get(DeadLetterHeaders.REPLAY_COUNT);
    headers.put(DeadLetterHeaders.REPLAY_COUNT, count instanceof Number n ? n.intValue() + 1 : 1);
    headers.put(DeadLetterHeaders.REPLAYED_AT, Instant.now().toString());
    AMQP.BasicProperties properties =
        original.builder().headers(headers).deliveryMode(EventMessages.PERSISTENT).build();
    boolean knownOrigin = letter.originalExchange() != null && letter.originalRoutingKey() != null;
    return new OutgoingMessage(
        knownOrigin ? letter.originalExchange() : "",
        knownOrigin ? letter.originalRoutingKey() : topology.queue(workQueue),
        properties,
        message.getBody());
  }
}
