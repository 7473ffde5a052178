package orderflow.topology;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import orderflow.envelope.EventType;

/**
 * Every exchange, queue and binding of the system, names prefixed by the namespace: the one place
 * that defines them. Work queues dead-letter to {@code orders.dlx} after {@value #DELIVERY_LIMIT}
 * deliveries; a service retries and dead-letters through its own {@code <queue>.failures} exchange,
 * so its account never needs write access to the default exchange or to {@code orders.dlx}.
 */
public record Topology(String namespace, RetryTiers tiers, EventStream stream) {
  public static final String ORDERS_EXCHANGE = "orders";
  public static final String DEAD_LETTER_EXCHANGE = "orders.dlx";
  public static final String INVENTORY_QUEUE = "inventory";
  public static final String SHIPPING_QUEUE = "shipping";
  public static final String LEGACY_QUEUE = "order_events";
  public static final String FAILURE_EXCHANGE_SUFFIX = ".failures";
  public static final String ORDERS_VIEW_QUEUE = "orders-view";
  public static final String EVENTS_STREAM = "events";
  public static final int DELIVERY_LIMIT = 5;

  /** Browsing the DLQ returns letters to it, which counts as a delivery: a limit no one reaches. */
  public static final int DLQ_DELIVERY_LIMIT = 1_000_000;

  /** Not {@code OrderCancelled}: inventory releases only on shipping's verdict. */
  public static final List<EventType> INVENTORY_EVENTS =
      List.of(EventType.ORDER_CREATED, EventType.SHIPMENT_CANCELLED, EventType.SHIPMENT_FAILED);

  public static final List<EventType> SHIPPING_EVENTS =
      List.of(EventType.INVENTORY_RESERVED, EventType.ORDER_CANCELLED);

  public Topology {
    namespace = namespace == null ? "" : namespace;
  }

  public Topology(String namespace, RetryTiers tiers) {
    this(namespace, tiers, EventStream.fromEnv(System::getenv));
  }

  public Topology(String namespace) {
    this(namespace, RetryTiers.DEFAULT);
  }

  public String eventsStream() {
    return name(EVENTS_STREAM);
  }

  public Optional<QueueSpec> eventsStreamSpec() {
    return stream.enabled()
        ? Optional.of(new QueueSpec(eventsStream(), true, stream.arguments()))
        : Optional.empty();
  }

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

  public String failureExchange(String workQueue) {
    return name(workQueue + FAILURE_EXCHANGE_SUFFIX);
  }

  public String legacyQueue() {
    return name(LEGACY_QUEUE);
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

  public List<ExchangeSpec> exchangesOf(String workQueue) {
    return exchanges().stream()
        .filter(
            e ->
                !e.name().endsWith(FAILURE_EXCHANGE_SUFFIX)
                    || e.name().equals(failureExchange(workQueue)))
        .toList();
  }

  public List<QueueSpec> queuesOf(String workQueue) {
    List<QueueSpec> queues = new ArrayList<>();
    Map<String, Object> work =
        deadLettering(deadLetterExchange(), workQueue, "x-delivery-limit", DELIVERY_LIMIT);
    queues.add(new QueueSpec(queue(workQueue), true, work));
    Map<String, Object> dlq =
        Map.of("x-queue-type", "quorum", "x-delivery-limit", DLQ_DELIVERY_LIMIT);
    queues.add(new QueueSpec(deadLetterQueue(workQueue), true, dlq));
    for (Duration delay : distinctDelays()) {
      Map<String, Object> retry =
          deadLettering("", queue(workQueue), "x-message-ttl", delay.toMillis());
      queues.add(new QueueSpec(retryQueue(workQueue, delay), true, retry));
    }
    return List.copyOf(queues);
  }

  private static Map<String, Object> deadLettering(
      String exchange, String routingKey, String key, Object value) {
    return Map.of(
        "x-queue-type",
        "quorum",
        "x-dead-letter-exchange",
        exchange,
        "x-dead-letter-routing-key",
        routingKey,
        "x-dead-letter-strategy",
        "at-least-once",
        "x-overflow",
        "reject-publish",
        key,
        value);
  }

  public List<QueueSpec> queues() {
    List<QueueSpec> queues = new ArrayList<>();
    workQueues().forEach(work -> queues.addAll(queuesOf(work)));
    queues.add(new QueueSpec(legacyQueue(), false, Map.of())); // as seed 000's pika declares it
    eventsStreamSpec().ifPresent(queues::add);
    return queues;
  }

  public List<BindingSpec> bindings() {
    List<BindingSpec> bindings = new ArrayList<>();
    INVENTORY_EVENTS.forEach(t -> bindings.add(event(queue(INVENTORY_QUEUE), t)));
    SHIPPING_EVENTS.forEach(t -> bindings.add(event(queue(SHIPPING_QUEUE), t)));
    // One binding per type, not '#'; the stream takes exactly what the order view takes.
    for (EventType type : EventType.values()) {
      bindings.add(event(queue(ORDERS_VIEW_QUEUE), type));
    }
    for (EventType type : stream.enabled() ? EventType.values() : new EventType[0]) {
      bindings.add(event(eventsStream(), type));
    }
    for (String work : workQueues()) {
      bindings.add(new BindingSpec(deadLetterExchange(), deadLetterQueue(work), work));
    }
    for (String work : workQueues()) {
      for (Duration delay : distinctDelays()) {
        String retry = retryQueue(work, delay);
        bindings.add(new BindingSpec(failureExchange(work), retry, retry));
      }
      String dlq = deadLetterQueue(work);
      bindings.add(new BindingSpec(failureExchange(work), dlq, dlq));
    }
    return List.copyOf(bindings);
  }

  /** Declares every exchange, queue and binding; idempotent. */
  public void declare(Channel channel) throws IOException {
    for (ExchangeSpec exchange : exchanges()) {
      channel.exchangeDeclare(exchange.name(), exchange.type(), true, false, null);
    }
    for (QueueSpec queue : queues()) {
      channel.queueDeclare(queue.name(), queue.durable(), false, false, queue.arguments());
    }
    for (BindingSpec binding : bindings()) {
      channel.queueBind(binding.queue(), binding.exchange(), binding.routingKey());
    }
  }

  private BindingSpec event(String queue, EventType type) {
    return new BindingSpec(ordersExchange(), queue, type.routingKey());
  }

  private List<Duration> distinctDelays() {
    return tiers.delays().stream().distinct().toList();
  }
}
