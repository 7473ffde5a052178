package orderflow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The ids of the events each consumer has applied: the idempotency record of at-least-once
 * delivery. Recording happens in the same transaction as the event's effect, so the effect and the
 * record commit or roll back together. Each id is kept with a digest of its payload, so that an id
 * seen again with another payload (a forged or buggy publisher) is told apart from a repeat.
 *
 * <p>This class is stateless and thread-safe; each call uses only the caller's connection.
 */
public final class Inbox {
  private Inbox() {}

  /** What recording an event id found. */
  public enum Status {
    /** First time: apply the event. */
    NEW,
    /** The same event again: do not apply it again. */
    DUPLICATE,
    /** The id was applied with another payload: this one must not be applied nor dropped. */
    CONFLICT
  }

  /**
   * @param storedDigest the digest recorded with the id first (null when new, or when unknown)
   */
  public record Recorded(Status status, String storedDigest) {}

  /**
   * Records {@code eventId} for {@code consumer} inside the caller's transaction. On PostgreSQL a
   * concurrent transaction recording the same id waits for this one to end, then gets false if this
   * one committed.
   *
   * @return true if it was new; false if it was already there (a duplicate: do not apply again)
   */
  public static boolean record(Connection connection, String consumer, UUID eventId)
      throws SQLException {
    return record(connection, consumer, eventId, null).status() == Status.NEW;
  }

  /**
   * Records {@code eventId} with its payload digest. An id already recorded is a {@link
   * Status#DUPLICATE} when the digests agree (or either is unknown: ids recorded before digests
   * were kept), a {@link Status#CONFLICT} otherwise.
   */
  public static Recorded record(
      Connection connection, String consumer, UUID eventId, String payloadDigest)
      throws SQLException {
    Objects.requireNonNull(consumer, "consumer");
    Objects.requireNonNull(eventId, "eventId");
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO inbox (consumer, event_id, received_at, payload_digest)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      statement.setString(1, consumer);
      statement.setString(2, eventId.toString());
      statement.setLong(3, System.currentTimeMillis());
      statement.setString(4, payloadDigest);
      if (statement.executeUpdate() == 1) {
        return new Recorded(Status.NEW, null);
      }
    }
    return repeat(payloadDigest, storedDigest(connection, consumer, eventId));
  }

  /** An event id to record, with the digest of its payload. */
  public record Arrival(UUID eventId, String payloadDigest) {
    public Arrival {
      Objects.requireNonNull(eventId, "eventId");
    }
  }

  private static final MultiRowInsert INSERT_MANY =
      new MultiRowInsert(
          "INSERT INTO inbox (consumer, event_id, received_at, payload_digest) VALUES",
          4,
          "ON CONFLICT DO NOTHING RETURNING event_id");

  /**
   * Records many event ids at once, as {@link #record(Connection, String, UUID, String)} does one
   * by one: a few statements for a whole batch. An id that appears twice in {@code arrivals} is new
   * the first time and a duplicate (or conflict) after that.
   *
   * @return what recording found, one per arrival, in the same order
   */
  public static List<Recorded> recordAll(
      Connection connection, String consumer, List<Arrival> arrivals) throws SQLException {
    Objects.requireNonNull(consumer, "consumer");
    Map<UUID, Arrival> firsts = new LinkedHashMap<>();
    for (Arrival arrival : arrivals) {
      firsts.putIfAbsent(arrival.eventId(), arrival);
    }
    long now = System.currentTimeMillis();
    Set<String> inserted =
        new HashSet<>(
            INSERT_MANY.insert(
                connection,
                List.copyOf(firsts.values()),
                (statement, at, arrival) -> {
                  statement.setString(at, consumer);
                  statement.setString(at + 1, arrival.eventId().toString());
                  statement.setLong(at + 2, now);
                  statement.setString(at + 3, arrival.payloadDigest());
                },
                rows -> rows.getString(1)));
    List<Recorded> recorded = new ArrayList<>(arrivals.size());
    for (Arrival arrival : arrivals) {
      Arrival first = firsts.get(arrival.eventId());
      String id = arrival.eventId().toString();
      if (first == arrival && inserted.contains(id)) {
        recorded.add(new Recorded(Status.NEW, null));
      } else {
        String stored =
            inserted.contains(id)
                ? first.payloadDigest()
                : storedDigest(connection, consumer, arrival.eventId());
        recorded.add(repeat(arrival.payloadDigest(), stored));
      }
    }
    return recorded;
  }

  private static Recorded repeat(String payloadDigest, String stored) {
    boolean same = payloadDigest == null || stored == null || stored.equals(payloadDigest);
    return new Recorded(same ? Status.DUPLICATE : Status.CONFLICT, stored);
  }

  private static String storedDigest(Connection connection, String consumer, UUID eventId)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT payload_digest FROM inbox WHERE consumer = ? AND event_id = ?")) {
      statement.setString(1, consumer);
      statement.setString(2, eventId.toString());
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }
}
