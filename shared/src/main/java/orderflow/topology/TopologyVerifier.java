package orderflow.topology;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import orderflow.broker.Channels;

/**
 * Compares the broker's exchanges and queues with a {@link Topology} over AMQP: a passive declare
 * finds what is missing; a re-declare gets a 406 naming one inequivalent argument, adopted to find
 * the next. A probe succeeds only when it matches, so it changes nothing. Bindings are not
 * verified.
 */
public record TopologyVerifier(Connection connection) {
  static final int MAX_PROBES = 16;
  private static final int NOT_FOUND = 404;
  private static final int RESOURCE_LOCKED = 405;
  private static final int PRECONDITION_FAILED = 406;

  public List<Difference> verify(Topology topology) throws IOException {
    List<Difference> differences = new ArrayList<>();
    for (ExchangeSpec exchange : topology.exchanges()) {
      Map<String, Object> declared =
          Map.of("type", exchange.type(), "durable", true, "auto_delete", false, "internal", false);
      differences.addAll(compare("exchange", exchange.name(), new HashMap<>(declared)));
    }
    for (QueueSpec queue : topology.queues()) {
      // Flags and arguments share one map so a probe can adopt the broker's value for either.
      Map<String, Object> declared = new HashMap<>(queue.arguments());
      declared.putAll(Map.of("durable", queue.durable(), "auto_delete", false));
      differences.addAll(compare("queue", queue.name(), declared));
    }
    return List.copyOf(differences);
  }

  /**
   * Passive declares only: needs no permission and changes nothing ({@code --no-declare}); throws
   * IllegalStateException naming what is missing and what to run.
   */
  public void requirePresent(List<ExchangeSpec> exchanges, List<QueueSpec> queues)
      throws IOException {
    List<Difference> absent = new ArrayList<>();
    for (ExchangeSpec exchange : exchanges) {
      absent.addAll(compare("exchange", exchange.name(), null));
    }
    for (QueueSpec queue : queues) {
      absent.addAll(compare("queue", queue.name(), null));
    }
    if (!absent.isEmpty()) {
      throw new IllegalStateException(
          "the topology is not ready: "
              + absent.stream().map(Difference::describe).collect(Collectors.joining("; "))
              + " (run `producer topology declare` with an account allowed to configure them, or"
              + " start without --no-declare)");
    }
  }

  /** With {@code declared} null, only whether the resource is there. */
  private List<Difference> compare(String resource, String name, Map<String, Object> declared)
      throws IOException {
    boolean queue = resource.equals("queue");
    Refusal absent = attempt(queue, name, null);
    if (absent != null || declared == null) {
      return absent == null ? List.of() : List.of(absent.difference(resource, name));
    }
    List<Difference> differences = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int probe = 0; probe < MAX_PROBES; probe++) {
      Refusal refused = attempt(queue, name, declared);
      if (refused == null) {
        break;
      }
      Inequivalence found =
          refused.code() == PRECONDITION_FAILED
              ? Inequivalence.parse(refused.text()).orElse(null)
              : null;
      if (found == null || !seen.add(found.argument())) {
        differences.add(refused.difference(resource, name));
        break;
      }
      differences.add(
          new Difference(
              resource,
              name,
              Difference.Kind.MISMATCH,
              found.argument(),
              found.received().display(),
              found.current().display()));
      if (!found.current().adoptInto(declared, found.argument())) {
        break;
      }
    }
    return differences;
  }

  /**
   * Declares on a fresh channel, passively when {@code declared} is null; a channel-level refusal
   * is returned, not thrown.
   */
  private Refusal attempt(boolean queue, String name, Map<String, Object> declared)
      throws IOException {
    Channel channel = connection.createChannel();
    if (channel == null) {
      throw new IOException("the broker allows no more channels on this connection");
    }
    try {
      if (declared == null && queue) {
        channel.queueDeclarePassive(name);
      } else if (declared == null) {
        channel.exchangeDeclarePassive(name);
      } else {
        Map<String, Object> arguments = new HashMap<>(declared);
        boolean durable = (Boolean) arguments.remove("durable");
        boolean autoDelete = (Boolean) arguments.remove("auto_delete");
        if (queue) {
          channel.queueDeclare(name, durable, false, autoDelete, arguments);
        } else {
          String type = (String) arguments.get("type");
          boolean internal = (Boolean) arguments.get("internal");
          channel.exchangeDeclare(name, type, durable, autoDelete, internal, null);
        }
      }
      return null;
    } catch (IOException e) {
      if (e.getCause() instanceof ShutdownSignalException signal
          && !signal.isHardError()
          && signal.getReason() instanceof AMQP.Channel.Close close) {
        return new Refusal(close.getReplyCode(), close.getReplyText());
      }
      throw e;
    } finally {
      Channels.closeQuietly(channel);
    }
  }

  private record Refusal(int code, String text) {
    Difference difference(String resource, String name) {
      Difference.Kind kind =
          code == NOT_FOUND
              ? Difference.Kind.MISSING
              : code == RESOURCE_LOCKED ? Difference.Kind.LOCKED : Difference.Kind.UNVERIFIABLE;
      return new Difference(
          resource, name, kind, null, null, kind == Difference.Kind.UNVERIFIABLE ? text : null);
    }
  }

  record Inequivalence(String argument, Value received, Value current) {
    private static final Pattern REPLY =
        Pattern.compile(
            "inequivalent arg '([^']+)' for \\w+ '.*' in vhost '.*': received (.+?) but current"
                + " is (.+)$");

    static Optional<Inequivalence> parse(String replyText) {
      Matcher matcher = REPLY.matcher(replyText == null ? "" : replyText);
      return matcher.find()
          ? Optional.of(
              new Inequivalence(
                  matcher.group(1), Value.parse(matcher.group(2)), Value.parse(matcher.group(3))))
          : Optional.empty();
    }
  }

  record Value(String text, String type) {
    private static final Pattern PRINTED =
        Pattern.compile("the value '(.*)' of type '([^']+)'|'(.*)'|none");

    static Value parse(String printed) {
      Matcher matcher = PRINTED.matcher(printed.trim());
      if (!matcher.matches()) {
        return new Value(printed.trim(), null);
      }
      return matcher.group(1) != null
          ? new Value(matcher.group(1), matcher.group(2))
          : new Value(matcher.group(3), null);
    }

    String display() {
      return text == null ? "none" : text;
    }

    boolean adoptInto(Map<String, Object> declared, String key) {
      if (text == null) {
        declared.remove(key);
        return true;
      }
      Object value =
          switch (type == null ? "flag" : type) {
            case "flag" -> declared.get(key) instanceof Boolean ? Boolean.valueOf(text) : text;
            case "longstr", "shortstr" -> text;
            case "bool" -> Boolean.valueOf(text);
            default -> text.matches("-?[0-9]{1,18}") ? Long.parseLong(text) : null; // integer types
          };
      if (value != null) {
        declared.put(key, value);
      }
      return value != null;
    }
  }
}
