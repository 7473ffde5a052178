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
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import orderflow.broker.Channels;

/**
 * Compares the broker's exchanges and queues with a {@link Topology}, using only AMQP (no
 * management plugin).
 *
 * <p>A missing resource is found by a passive declare (404). A resource that exists is re-declared
 * with the expected flags and arguments on a throwaway channel: the broker answers 406
 * PRECONDITION_FAILED naming the first inequivalent argument and both values. The verifier then
 * re-declares with the broker's value for that argument to find the next difference, so every
 * difference the broker checks is reported, not only the first. A probe only succeeds when it
 * matches what the broker has, so it never changes the broker; but a recovering connection records
 * every successful declare for topology recovery, so pass a short-lived connection.
 *
 * <p>Bindings cannot be listed over AMQP: they are not verified here ({@link
 * TopologyDeclarer#declare} re-asserts them idempotently).
 *
 * <p>This class is thread-safe: every check uses channels of its own.
 */
public final class TopologyVerifier {
  /** At most this many differences are probed per resource. */
  static final int MAX_PROBES = 16;

  private static final int NOT_FOUND = 404;
  private static final int RESOURCE_LOCKED = 405;
  private static final int PRECONDITION_FAILED = 406;

  private final Connection connection;

  public TopologyVerifier(Connection connection) {
    this.connection = Objects.requireNonNull(connection, "connection");
  }

  /**
   * @return every difference found, exchanges first, in the order {@link Topology} lists them;
   *     empty when the broker matches
   * @throws IOException if the connection fails while checking
   */
  public List<Difference> verify(Topology topology) throws IOException {
    List<Difference> differences = new ArrayList<>();
    for (ExchangeSpec exchange : topology.exchanges()) {
      Map<String, Object> declared =
          new HashMap<>(
              Map.of(
                  "type",
                  exchange.type(),
                  "durable",
                  true,
                  "auto_delete",
                  false,
                  "internal",
                  false));
      String name = exchange.name();
      differences.addAll(
          compare(
              "exchange",
              name,
              declared,
              channel -> channel.exchangeDeclarePassive(name),
              channel ->
                  channel.exchangeDeclare(
                      name,
                      (String) declared.get("type"),
                      (Boolean) declared.get("durable"),
                      (Boolean) declared.get("auto_delete"),
                      (Boolean) declared.get("internal"),
                      null)));
    }
    for (QueueSpec queue : topology.queues()) {
      // Flags and arguments share one map so a probe can adopt the broker's value for either.
      Map<String, Object> declared = new HashMap<>(queue.arguments());
      declared.putAll(Map.of("durable", queue.durable(), "auto_delete", false));
      String name = queue.name();
      differences.addAll(
          compare(
              "queue",
              name,
              declared,
              channel -> channel.queueDeclarePassive(name),
              channel -> {
                Map<String, Object> arguments = new HashMap<>(declared);
                boolean durable = (Boolean) arguments.remove("durable");
                boolean autoDelete = (Boolean) arguments.remove("auto_delete");
                channel.queueDeclare(name, durable, false, autoDelete, arguments);
              }));
    }
    return List.copyOf(differences);
  }

  /**
   * Checks by passive declares only that these resources exist, so it needs no permission at all
   * and changes nothing: what a service started with {@code --no-declare} does.
   *
   * @throws MissingTopologyException naming every resource that is missing (or exclusive to another
   *     connection), and what to run
   * @throws IOException if the connection fails while checking
   */
  public void requirePresent(List<ExchangeSpec> exchanges, List<QueueSpec> queues)
      throws IOException {
    List<Difference> absent = new ArrayList<>();
    for (ExchangeSpec exchange : exchanges) {
      attempt(channel -> channel.exchangeDeclarePassive(exchange.name()))
          .ifPresent(refusal -> absent.add(refusal.difference("exchange", exchange.name())));
    }
    for (QueueSpec queue : queues) {
      attempt(channel -> channel.queueDeclarePassive(queue.name()))
          .ifPresent(refusal -> absent.add(refusal.difference("queue", queue.name())));
    }
    if (!absent.isEmpty()) {
      throw new MissingTopologyException(absent);
    }
  }

  private List<Difference> compare(
      String resource,
      String name,
      Map<String, Object> declared,
      ChannelAction passive,
      ChannelAction declare)
      throws IOException {
    Optional<Refusal> absent = attempt(passive);
    if (absent.isPresent()) {
      return List.of(absent.get().difference(resource, name));
    }
    List<Difference> differences = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int probe = 0; probe < MAX_PROBES; probe++) {
      Refusal refused = attempt(declare).orElse(null);
      if (refused == null) {
        break;
      }
      Optional<Inequivalence> found =
          refused.code() == PRECONDITION_FAILED
              ? Inequivalence.parse(refused.text())
              : Optional.empty();
      if (found.isEmpty() || !seen.add(found.get().argument())) {
        differences.add(refused.difference(resource, name));
        break;
      }
      Inequivalence inequivalence = found.get();
      differences.add(
          new Difference(
              resource,
              name,
              Difference.Kind.MISMATCH,
              inequivalence.argument(),
              inequivalence.received().display(),
              inequivalence.current().display()));
      if (!inequivalence.current().adoptInto(declared, inequivalence.argument())) {
        break;
      }
    }
    return differences;
  }

  /** Runs one operation on a fresh channel; a channel-level refusal is returned, not thrown. */
  private Optional<Refusal> attempt(ChannelAction action) throws IOException {
    Channel channel = connection.createChannel();
    if (channel == null) {
      throw new IOException("the broker allows no more channels on this connection");
    }
    try {
      action.run(channel);
      return Optional.empty();
    } catch (IOException e) {
      if (e.getCause() instanceof ShutdownSignalException signal
          && !signal.isHardError()
          && signal.getReason() instanceof AMQP.Channel.Close close) {
        return Optional.of(new Refusal(close.getReplyCode(), close.getReplyText()));
      }
      throw e;
    } finally {
      Channels.closeQuietly(channel);
    }
  }

  @FunctionalInterface
  private interface ChannelAction {
    void run(Channel channel) throws IOException;
  }

  private record Refusal(int code, String text) {
    /** Missing (404), locked (405), or why it could not be compared. */
    Difference difference(String resource, String name) {
      Difference.Kind kind =
          code == NOT_FOUND
              ? Difference.Kind.MISSING
              : code == RESOURCE_LOCKED ? Difference.Kind.LOCKED : Difference.Kind.UNVERIFIABLE;
      return new Difference(
          resource, name, kind, null, null, kind == Difference.Kind.UNVERIFIABLE ? text : null);
    }
  }

  /**
   * A 406 "inequivalent arg" reply, e.g. {@code inequivalent arg 'x-queue-type' for queue 'q' in
   * vhost '/': received the value 'quorum' of type 'longstr' but current is none}.
   */
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

  /**
   * A value as the broker prints it: {@code none}, {@code 'true'}, or {@code the value 'V' of type
   * 'T'}.
   *
   * @param text null for none
   * @param type the AMQP field type, or null for a bare flag
   */
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

    /**
     * Puts this value into {@code declared} as the Java type the client sends with the same AMQP
     * type, so the next declare agrees with the broker on it.
     *
     * @return false when the type cannot be reproduced (probing stops there)
     */
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
            case "long",
                "signedint",
                "short",
                "byte",
                "unsignedbyte",
                "unsignedshort",
                "unsignedint" ->
                text.matches("-?[0-9]{1,18}") ? Long.parseLong(text) : null;
            default -> null;
          };
      if (value != null) {
        declared.put(key, value);
      }
      return value != null;
    }
  }
}
