package orderflow.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The ids of the events each consumer has applied, recorded in the transaction of the event's
 * effect so both commit or neither. Each id keeps its payload's digest, so an id seen again with
 * another payload is told apart from a repeat. Stateless and thread-safe.
 */
public final class Inbox {
  private Inbox() {}

  /** CONFLICT: the id was applied with another payload; this one is neither applied nor dropped. */
  public enum Status {
    NEW,
    DUPLICATE,
    CONFLICT
  }

  /** {@code storedDigest}: recorded with the id first; null when new or unknown. */
  public record Recorded(Status status, String storedDigest) {}

  /**
   * Records {@code eventId} in the caller's transaction; on PostgreSQL a concurrent recording of
   * the same id waits for it. A recorded id is a DUPLICATE when the digests agree or either is
   * unknown, else a CONFLICT.
   */
  public static Recorded record(
      Connection connection, String consumer, UUID eventId, String payloadDigest)
      throws SQLException {
    return recordAll(connection, consumer, List.of(new Arrival(eventId, payloadDigest))).get(0);
  }

  public record Arrival(UUID eventId, String payloadDigest) {}

  private static final MultiRowInsert INSERT_MANY =
      new MultiRowInsert(
          "INSERT INTO inbox (consumer, event_id, received_at, payload_digest) VALUES",
          4,
          "ON CONFLICT DO NOTHING RETURNING event_id");

  /**
   * As {@link #record}, one result per arrival in order; an id twice in {@code arrivals} is new the
   * first time only.
   */
  public static List<Recorded> recordAll(
      Connection connection, String consumer, List<Arrival> arrivals) throws SQLException {
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

  /** Deletes up to {@code limit} entries received before {@code cutoff} (epoch millis). */
  public static int prune(Connection connection, Database database, long cutoff, int limit)
      throws SQLException {
    return Sql.update(connection, database.dialect().pruneInboxSql, cutoff, limit);
  }

  private static Recorded repeat(String payloadDigest, String stored) {
    boolean same = payloadDigest == null || stored == null || stored.equals(payloadDigest);
    return new Recorded(same ? Status.DUPLICATE : Status.CONFLICT, stored);
  }

  private static String storedDigest(Connection connection, String consumer, UUID eventId)
      throws SQLException {
    List<String> digests =
        Sql.query(
            connection,
            "SELECT payload_digest FROM inbox WHERE consumer = ? AND event_id = ?",
            rows -> rows.getString(1), // null for a row recorded without one
            consumer,
            eventId.toString());
    return digests.isEmpty() ? null : digests.get(0);
  }
}
