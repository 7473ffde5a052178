package orderflow.asyncapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import orderflow.asyncapi.ServiceRole.LegacyRole;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventType;
import orderflow.topology.BindingSpec;
import orderflow.topology.Topology;

/** The operations: for each program, what it receives from and sends to which channel. */
final class Operations {
  static final String OPERATOR = "operator";
  static final String STREAM_READER = "stream-reader";

  private final Topology topology;
  private final AmqpChannels channels;
  private final ObjectNode operations = EventCodec.mapper().createObjectNode();

  Operations(Topology topology, AmqpChannels channels) {
    this.topology = topology;
    this.channels = channels;
    for (ServiceRole role : ServiceRoles.all()) {
      add(role);
    }
    for (String work : topology.workQueues()) {
      String dlq = topology.deadLetterQueue(work);
      add(
          OPERATOR,
          "receive",
          AmqpChannels.queueChannelId(dlq),
          channels.messagesOfQueue(dlq),
          "Lists, shows, replays or purges the dead letters of " + work + ".");
    }
    topology
        .eventsStreamSpec()
        .ifPresent(
            stream ->
                add(
                    STREAM_READER,
                    "receive",
                    AmqpChannels.queueChannelId(stream.name()),
                    channels.messagesOfQueue(stream.name()),
                    "Reads the history from any offset (producer events, orders rebuild"
                        + " --from-stream, a projection); takes nothing away."));
  }

  ObjectNode asJson() {
    return operations;
  }

  private void add(ServiceRole role) {
    if (role.workQueue() != null) {
      String queue = topology.queue(role.workQueue());
      add(
          role.id(),
          "receive",
          AmqpChannels.queueChannelId(queue),
          channels.messagesOfQueue(queue),
          "Consumes its work queue with manual acks.");
      String failures = topology.failureExchange(role.workQueue());
      for (BindingSpec binding : topology.bindings()) {
        if (binding.exchange().equals(failures)) {
          add(
              role.id(),
              "send",
              AmqpChannels.routingKeyChannelId(failures, binding.routingKey()),
              channels.messagesOfQueue(binding.queue()),
              "Sends a delivery it failed to " + binding.queue() + ", with failure headers.");
        }
      }
    }
    for (EventType type : role.publishes()) {
      add(
          role.id(),
          "send",
          AmqpChannels.routingKeyChannelId(topology.ordersExchange(), type.routingKey()),
          List.of(Messages.name(type)),
          "Publishes " + type.wireName() + " with publisher confirms, persistent.");
    }
    if (role.legacy() != LegacyRole.NONE) {
      boolean sends = role.legacy() == LegacyRole.SENDS;
      add(
          role.id(),
          sends ? "send" : "receive",
          AmqpChannels.queueChannelId(topology.legacyQueue()),
          List.of(Messages.ORDER_CREATED_V1),
          sends
              ? "Publishes version 1 orders through the default exchange."
              : "Upcasts version 1 orders and republishes them as version 2.");
    }
  }

  private void add(
      String service, String action, String channelId, List<String> messages, String summary) {
    ObjectNode operation = operations.putObject(service + "." + action + "." + channelId);
    operation.put("action", action);
    operation.putObject("channel").put("$ref", "#/channels/" + channelId);
    operation.put("summary", summary);
    operation.putArray("tags").addObject().put("name", service);
    var refs = operation.putArray("messages");
    for (String message : messages) {
      refs.addObject().put("$ref", "#/channels/" + channelId + "/messages/" + message);
    }
  }
}
