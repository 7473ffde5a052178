package orderflow.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import orderflow.envelope.EventType;

/**
 * Every exchange, queue and binding of the system (docs/architecture.md section 4), with names
 * prefixed by the namespace. This is the one place that defines them.
 *
 * <p>Work queues are quorum queues that dead-letter at-least-once to {@code orders.dlx} after
 * {@value #DELIVERY_LIMIT} deliveries (a message that keeps crashing its consumer); that exchange
 * routes them, keyed by the work queue's name, to {@code <queue>.dlq}. Retry queues hold a message
 * for their TTL, then dead-letter it through the default exchange back to the work queue.
 *
 * <p>A service sends the deliveries it failed through its own direct exchange, {@code
 * <queue>.failures}, keyed by the target queue's name: to a retry queue or to its dead-letter
 * queue. So a service account needs write permission on its own exchange only, never on the default
 * exchange (which would let it publish into any queue) nor on {@code orders.dlx} (which routes to
 * every service's dead-letter queue). The broker's own dead-lettering needs no user permission, so
 * retry queues keep returning messages through the default exchange.
 *
 * <p>The stream {@code events} takes every event type, as {@code orders-view} does, and keeps it
 * for its retention ({@link EventStream}) whoever has read it (section 4.1).
 *
 * <p>Immutable and thread-safe.
 */
public final class Topology {
  public static final String ORDERS_EXCHANGE = "orders";
  public static final String DEAD_LETTER_EXCHANGE = "orders.dlx";
  public static final String INVENTORY_QUEUE = "inventory";
  public static final String SHIPPING_QUEUE = "shipping";
  public static final String LEGACY_QUEUE = "order_events";

  /** Appended to a work queue's name to name its {@link #failureExchange}. */
  public static final String FAILURE_EXCHANGE_SUFFIX = ".failures";

  /** The order service's queue: every order event, whatever its type, for the order read model. */
  public static final String ORDERS_VIEW_QUEUE = "orders-view";

  /**
   * The stream of every event, replayable from any offset (section 4.1); not a work queue: readers
   * keep their own offsets and take nothing away.
   */
  public static final String EVENTS_STREAM = "events";

  /** Deliveries before the broker itself dead-letters a message (crash loops). */
  public static final int DELIVERY_LIMIT = 5;

  /** Effectively unlimited: dead letters stay until an operator acts. */
  public static final int DLQ_DELIVERY_LIMIT = 1_000_000;

  /**
   * What inventory receives: orders to reserve, and shipping's verdicts that release a reservation.
   * Not {@code OrderCancelled} itself: shipping decides whether a cancellation wins (an order that
   * has shipped keeps its stock), so inventory releases only on shipping's word.
   */
  public static final List<EventType> INVENTORY_EVENTS =
      List.of(EventType.ORDER_CREATED, EventType.SHIPMENT_CANCELLED, EventType.SHIPMENT_FAILED);

  /** What shipping receives: reservations to ship, and cancellations to decide. */
  public static final List<EventType> SHIPPING_EVENTS =
      List.of(EventType.INVENTORY_RESERVED, EventType.ORDER_CANCELLED);

  private final String namespace;
  private final RetryTiers tiers;
  private final EventStream stream;

  public Topology(String namespace, RetryTiers tiers, EventStream stream) {
    this.namespace = namespace == null ? "" : namespace;
    this.tiers = tiers;
    this.stream = Objects.requireNonNull(stream, "stream");
  }

  /** With the events stream as the environment sets it ({@link EventStream#fromEnv}). */
  public Topology(String namespace, RetryTiers tiers) {
    this(namespace, tiers, EventStream.fromEnv(System::getenv));
  }

  public Topology(String namespace) {
    this(namespace, RetryTiers.DEFAULT);
  }

  public String namespace() {
    return namespace;
  }

  public RetryTiers tiers() {
    return tiers;
  }

  public EventStream stream() {
    return stream;
  }

  /** The events stream's name, whether or not this topology declares it. */
  public String eventsStream() {
    return name(EVENTS_STREAM);
  }

  /** The events stream as declared: durable, with its retention (absent when disabled). */
  public Optional<QueueSpec> eventsStreamSpec() {
    return stream.enabled()
        ? Optional.of(new QueueSpec(eventsStream(), true, stream.arguments()))
        : Optional.empty();
  }

  /** The name as declared on the broker: {@code <ns>.<name>} or {@code name}. */
  public String name(String base) {
    return namespace.isEmpty() ? base : namespace + "." + base;
  }

  public String ordersExchange() {
    return name(ORDERS_EXCHANGE);
  }

  public String deadLetterExchange() {
    return name(DEAD_LETTER_EXCHANGE);
  }

  public String queue(String workQueue) {
    return name(workQueue);
  }

  public String deadLetterQueue(String workQueue) {
    return name(workQueue + ".dlq");
  }

  public String retryQueue(String workQueue, Duration delay) {
    return name(workQueue + ".retry." + RetryTiers.label(delay));
  }

  /** The direct exchange through which {@code workQueue}'s service retries and dead-letters. */
  public String failureExchange(String workQueue) {
    return name(workQueue + FAILURE_EXCHANGE_SUFFIX);
  }

  public String legacyQueue() {
    return name(LEGACY_QUEUE);
  }

  /** Routing key on {@link #deadLetterExchange()} that reaches {@code <workQueue>.dlq}. */
  public String deadLetterRoutingKey(String workQueue) {
    return workQueue;
  }

  public List<String> workQueues() {
    return List.of(INVENTORY_QUEUE, SHIPPING_QUEUE, ORDERS_VIEW_QUEUE);
  }

  public List<ExchangeSpec> exchanges() {
    List<ExchangeSpec> exchanges = new ArrayList<>();
    exchanges.add(new ExchangeSpec(ordersExchange(), "topic"));
    exchanges.add(new ExchangeSpec(deadLetterExchange(), "direct"));
    for (String work : workQueues()) {
      exchanges.add(new ExchangeSpec(failureExchange(work), "direct"));
    }
    return List.copyOf(exchanges);
  }

  /**
   * The exchanges the service of {@code workQueue} uses or relies on: the events exchange, the
   * broker's dead-letter exchange and its own failure exchange.
   */
  public List<ExchangeSpec> exchangesOf(String workQueue) {
    return exchanges().stream()
        .filter(
            e ->
                !e.name().endsWith(FAILURE_EXCHANGE_SUFFIX)
                    || e.name().equals(failureExchange(workQueue)))
        .toList();
  }

  /** The queues of the service of {@code workQueue}: its work, retry and dead-letter queues. */
  public List<QueueSpec> queuesOf(String workQueue) {
    List<QueueSpec> queues = new ArrayList<>();
    queues.add(new QueueSpec(queue(workQueue), true, workQueueArguments(workQueue)));
    queues.add(new QueueSpec(deadLetterQueue(workQueue), true, deadLetterQueueArguments()));
    for (Duration delay : distinctDelays()) {
      queues.add(
          new QueueSpec(retryQueue(workQueue, delay), true, retryQueueArguments(workQueue, delay)));
    }
    return List.copyOf(queues);
  }

  public List<QueueSpec> queues() {
    List<QueueSpec> queues = new ArrayList<>();
    for (String work : workQueues()) {
      queues.addAll(queuesOf(work));
    }
    // Exactly what seed 000's pika code declares: queue_declare(queue='order_events').
    queues.add(legacyQueueSpec());
    eventsStreamSpec().ifPresent(queues::add);
    return queues;
  }

  /** {@code order_events}, declared exactly as seed 000's pika code declares it. */
  public QueueSpec legacyQueueSpec() {
    return new QueueSpec(legacyQueue(), false, Map.of());
  }

  public List<BindingSpec> bindings() {
    List<BindingSpec> bindings = new ArrayList<>(eventAndDeadLetterBindings());
    for (String work : workQueues()) {
      // Keyed by the target queue's full name, as the default exchange would route.
      for (Duration delay : distinctDelays()) {
        bindings.add(
            new BindingSpec(
                failureExchange(work), retryQueue(work, delay), retryQueue(work, delay)));
      }
      bindings.add(
          new BindingSpec(failureExchange(work), deadLetterQueue(work), deadLetterQueue(work)));
    }
    return List.copyOf(bindings);
  }

  private List<BindingSpec> eventAndDeadLetterBindings() {
    List<BindingSpec> bindings = new ArrayList<>();
    for (EventType type : INVENTORY_EVENTS) {
      bindings.add(new BindingSpec(ordersExchange(), queue(INVENTORY_QUEUE), type.routingKey()));
    }
    for (EventType type : SHIPPING_EVENTS) {
      bindings.add(new BindingSpec(ordersExchange(), queue(SHIPPING_QUEUE), type.routingKey()));
    }
    // One binding per event type rather than '#': an event type added later reaches the order
    // view with its binding, and nothing else published to the exchange ever lands there.
    for (EventType type : EventType.values()) {
      bindings.add(new BindingSpec(ordersExchange(), queue(ORDERS_VIEW_QUEUE), type.routingKey()));
    }
    // The stream takes exactly what the order view takes, so a read model rebuilt from it sees the
    // same events as the live one.
    if (stream.enabled()) {
      for (EventType type : EventType.values()) {
        bindings.add(new BindingSpec(ordersExchange(), eventsStream(), type.routingKey()));
      }
    }
    for (String work : workQueues()) {
      bindings.add(
          new BindingSpec(deadLetterExchange(), deadLetterQueue(work), deadLetterRoutingKey(work)));
    }
    return bindings;
  }

  private List<Duration> distinctDelays() {
    return tiers.delays().stream().distinct().toList();
  }

  private Map<String, Object> workQueueArguments(String work) {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("x-queue-type", "quorum");
    args.put("x-dead-letter-exchange", deadLetterExchange());
    args.put("x-dead-letter-routing-key", deadLetterRoutingKey(work));
    args.put("x-dead-letter-strategy", "at-least-once");
    args.put("x-overflow", "reject-publish");
    args.put("x-delivery-limit", DELIVERY_LIMIT);
    return args;
  }

  /**
   * Browsing the DLQ returns messages to it, which quorum queues count as deliveries; RabbitMQ 4.x
   * defaults to a limit of 20 and the DLQ has nowhere further to go, so it gets a limit no operator
   * will reach.
   */
  private static Map<String, Object> deadLetterQueueArguments() {
    return Map.of("x-queue-type", "quorum", "x-delivery-limit", DLQ_DELIVERY_LIMIT);
  }

  private Map<String, Object> retryQueueArguments(String work, Duration delay) {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("x-queue-type", "quorum");
    args.put("x-message-ttl", delay.toMillis());
    args.put("x-dead-letter-exchange", "");
    args.put("x-dead-letter-routing-key", queue(work));
    args.put("x-dead-letter-strategy", "at-least-once");
    args.put("x-overflow", "reject-publish");
    return args;
  }
}
