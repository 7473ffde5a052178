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
import orderflow.broker.Channels;

/**
 * Compares the broker's exchanges and queues with a {@link Topology}, using only AMQP (no
 * management plugin).
 *
 * <p>A missing resource is found by a passive declare (404). A resource that exists is re-declared
 * with the expected flags and arguments on a throwaway channel: the broker answers 406
 * PRECONDITION_FAILED naming the first inequivalent argument and both values. The verifier then
 * re-declares with the broker's value for that argument to find the next difference, so every
 * difference the broker checks is reported, not only the first. Such a probe only ever succeeds
 * when it matches what the broker already has, so it never changes the broker; but a recovering
 * connection records every successful declare for topology recovery, so pass a short-lived
 * connection, not one a long-running service keeps.
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
      differences.addAll(compare(exchange));
    }
    for (QueueSpec queue : topology.queues()) {
      differences.addAll(compare(queue));
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
          .ifPresent(refusal -> absent.add(unlessMissing(refusal, "exchange", exchange.name())));
    }
    for (QueueSpec queue : queues) {
      attempt(channel -> channel.queueDeclarePassive(queue.name()))
          .ifPresent(refusal -> absent.add(unlessMissing(refusal, "queue", queue.name())));
    }
    if (!absent.isEmpty()) {
      throw new MissingTopologyException(absent);
    }
  }

  List<Difference> compare(ExchangeSpec spec) throws IOException {
    String name = spec.name();
    Optional<Refusal> passive = attempt(channel -> channel.exchangeDeclarePassive(name));
    if (passive.isPresent()) {
      return List.of(unlessMissing(passive.get(), "exchange", name));
    }
    Map<String, Object> flags = new HashMap<>();
    flags.put("type", spec.type());
    flags.put("durable", true);
    flags.put("auto_delete", false);
    flags.put("internal", false);
    return probe(
        "exchange",
        name,
        flags,
        channel ->
            channel.exchangeDeclare(
                name,
                (String) flags.get("type"),
                (Boolean) flags.get("durable"),
                (Boolean) flags.get("auto_delete"),
                (Boolean) flags.get("internal"),
                null));
  }

  List<Difference> compare(QueueSpec spec) throws IOException {
    String name = spec.name();
    Optional<Refusal> passive = attempt(channel -> channel.queueDeclarePassive(name));
    if (passive.isPresent()) {
      return List.of(unlessMissing(passive.get(), "queue", name));
    }
    // Flags and arguments share one map so a probe can adopt the broker's value for either.
    Map<String, Object> declared = new HashMap<>(spec.arguments());
    declared.put("durable", spec.durable());
    declared.put("auto_delete", false);
    return probe(
        "queue",
        name,
        declared,
        channel -> {
          Map<String, Object> arguments = new HashMap<>(declared);
          boolean durable = (Boolean) arguments.remove("durable");
          boolean autoDelete = (Boolean) arguments.remove("auto_delete");
          channel.queueDeclare(name, durable, false, autoDelete, arguments);
        });
  }

  private List<Difference> probe(
      String resource, String name, Map<String, Object> declared, ChannelAction declare)
      throws IOException {
    List<Difference> differences = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int probe = 0; probe < MAX_PROBES; probe++) {
      Optional<Refusal> refusal = attempt(declare);
      if (refusal.isEmpty()) {
        break;
      }
      Refusal refused = refusal.get();
      if (refused.code() == RESOURCE_LOCKED) {
        differences.add(new Difference(resource, name, Difference.Kind.LOCKED, null, null, null));
        break;
      }
      Optional<Inequivalence> inequivalence =
          refused.code() == PRECONDITION_FAILED
              ? Inequivalence.parse(refused.text())
              : Optional.empty();
      if (inequivalence.isEmpty() || !seen.add(inequivalence.get().argument())) {
        differences.add(
            new Difference(
                resource, name, Difference.Kind.UNVERIFIABLE, null, null, refused.text()));
        break;
      }
      Inequivalence found = inequivalence.get();
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

  private static Difference unlessMissing(Refusal refusal, String resource, String name) {
    if (refusal.code() == NOT_FOUND) {
      return Difference.missing(resource, name);
    }
    if (refusal.code() == RESOURCE_LOCKED) {
      return new Difference(resource, name, Difference.Kind.LOCKED, null, null, null);
    }
    return new Difference(resource, name, Difference.Kind.UNVERIFIABLE, null, null, refusal.text());
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

  private record Refusal(int code, String text) {}
}
