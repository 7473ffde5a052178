package orderflow.asyncapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventType;
import orderflow.topology.BindingSpec;
import orderflow.topology.ExchangeSpec;
import orderflow.topology.QueueSpec;
import orderflow.topology.Topology;

/**
 * The channels of the document, from the topology: one per queue ({@code is: queue}) and one per
 * exchange and routing key it binds ({@code is: routingKey}), each with its AMQP binding, its
 * arguments as {@code x-amqp-arguments}, and the messages it carries.
 */
final class AmqpChannels {
  static final String BINDING_VERSION = "0.3.0";
  private static final String VHOST = "/";

  private final Topology topology;
  private final Map<String, ObjectNode> channels = new LinkedHashMap<>();

  AmqpChannels(Topology topology) {
    this.topology = topology;
    for (ExchangeSpec exchange : topology.exchanges()) {
      for (BindingSpec binding : bindingsFrom(exchange)) {
        String id = routingKeyChannelId(exchange.name(), binding.routingKey());
        if (!channels.containsKey(id)) {
          channels.put(id, routingKeyChannel(exchange, binding));
        }
      }
    }
    for (QueueSpec queue : topology.queues()) {
      channels.put(queueChannelId(queue.name()), queueChannel(queue));
    }
  }

  ObjectNode asJson() {
    ObjectNode json = EventCodec.mapper().createObjectNode();
    channels.forEach(json::set);
    return json;
  }

  static String routingKeyChannelId(String exchange, String routingKey) {
    return "exchange." + exchange + "." + routingKey;
  }

  static String queueChannelId(String queue) {
    return "queue." + queue;
  }

  /** The messages a queue carries: the event types bound to its work queue, or version 1. */
  List<String> messagesOfQueue(String queueName) {
    if (queueName.equals(topology.legacyQueue())) {
      return List.of(Messages.ORDER_CREATED_V1);
    }
    String work =
        queueName.equals(topology.eventsStream()) ? Topology.EVENTS_STREAM : workQueueOf(queueName);
    List<String> messages = new ArrayList<>();
    for (BindingSpec binding : topology.bindings()) {
      if (binding.exchange().equals(topology.ordersExchange())
          && binding.queue().equals(topology.queue(work))) {
        messages.add(Messages.name(typeOf(binding.routingKey())));
      }
    }
    return messages;
  }

  private List<BindingSpec> bindingsFrom(ExchangeSpec exchange) {
    return topology.bindings().stream().filter(b -> b.exchange().equals(exchange.name())).toList();
  }

  private ObjectNode routingKeyChannel(ExchangeSpec exchange, BindingSpec binding) {
    ObjectNode channel = EventCodec.mapper().createObjectNode();
    channel.put("address", binding.routingKey());
    channel.put("title", exchange.name() + " / " + binding.routingKey());
    List<String> messages;
    if (exchange.name().equals(topology.ordersExchange())) {
      EventType type = typeOf(binding.routingKey());
      channel.put(
          "description", type.wireName() + " events on the " + exchange.name() + " exchange.");
      messages = List.of(Messages.name(type));
    } else {
      channel.put(
          "description",
          "Failed deliveries routed by "
              + exchange.name()
              + " to "
              + binding.queue()
              + ": the original body, with headers naming the failure.");
      messages = messagesOfQueue(binding.queue());
    }
    channel.set("messages", Messages.references(messages));
    ObjectNode amqp = bindings(channel);
    amqp.put("is", "routingKey");
    ObjectNode exchangeJson = amqp.putObject("exchange");
    exchangeJson.put("name", exchange.name());
    exchangeJson.put("type", exchange.type());
    exchangeJson.put("durable", true);
    exchangeJson.put("autoDelete", false);
    exchangeJson.put("vhost", VHOST);
    amqp.put("bindingVersion", BINDING_VERSION);
    return channel;
  }

  private ObjectNode queueChannel(QueueSpec queue) {
    ObjectNode channel = EventCodec.mapper().createObjectNode();
    channel.put("address", queue.name());
    channel.put("title", queue.name());
    channel.put("description", QueueDescriptions.of(topology, queue.name()));
    channel.set("messages", Messages.references(messagesOfQueue(queue.name())));
    if (!queue.arguments().isEmpty()) {
      channel.set(
          "x-amqp-arguments", EventCodec.mapper().valueToTree(new TreeMap<>(queue.arguments())));
    }
    ObjectNode amqp = bindings(channel);
    amqp.put("is", "queue");
    ObjectNode queueJson = amqp.putObject("queue");
    queueJson.put("name", queue.name());
    queueJson.put("durable", queue.durable());
    queueJson.put("exclusive", false);
    queueJson.put("autoDelete", false);
    queueJson.put("vhost", VHOST);
    amqp.put("bindingVersion", BINDING_VERSION);
    return channel;
  }

  private static ObjectNode bindings(ObjectNode channel) {
    return channel.putObject("bindings").putObject("amqp");
  }

  private String workQueueOf(String queueName) {
    for (String work : topology.workQueues()) {
      if (queueName.equals(topology.queue(work))
          || queueName.equals(topology.deadLetterQueue(work))
          || topology.tiers().delays().stream()
              .anyMatch(d -> queueName.equals(topology.retryQueue(work, d)))) {
        return work;
      }
    }
    throw new IllegalArgumentException("not a queue of the topology: " + queueName);
  }

  private static EventType typeOf(String routingKey) {
    for (EventType type : EventType.values()) {
      if (type.routingKey().equals(routingKey)) {
        return type;
      }
    }
    throw new IllegalArgumentException("no event type for routing key " + routingKey);
  }
}
