package orderflow.orderservice;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import orderflow.store.Database;
import orderflow.store.Dialect;
import orderflow.stream.StreamWalk;

/**
 * Rebuilds the order read model from the events stream (docs/architecture.md section 4.1): a {@link
 * StreamProjection} from the stream's first offset to its end into a fresh database ({@link
 * RebuildTarget}), then one transaction on the live database that writes every rebuilt row. The
 * live read model serves throughout; the swap holds the read model's write lock (PostgreSQL: {@code
 * LOCK TABLE orders IN EXCLUSIVE MODE}, readers go on; SQLite: its one writer).
 *
 * <p>An order whose live event store holds more events than the stream had when the rebuild began
 * (it moved on meanwhile) keeps its live row; an order the stream does not have is kept too. A
 * stream whose retention already removed its first events is refused: the rebuild would lose
 * orders.
 *
 * <p>Not thread-safe: one rebuild at a time.
 */
public final class StreamRebuild {
  private final OrderReadModel readModel = new OrderReadModel();
  private final Database live;
  private final String liveUrl;
  private final Clock clock;

  /**
   * What a rebuild did.
   *
   * @param events stream messages applied (valid events, repeats included)
   * @param skipped stream messages that were not valid events
   * @param rebuilt orders in the rebuilt model
   * @param differences rebuilt orders whose live row differed (then replaced)
   * @param keptNewer orders whose live row had seen more events, kept
   * @param notInStream live orders the stream has no event of, kept
   */
  public record Report(
      long events,
      long skipped,
      int rebuilt,
      List<OrderRebuild.Difference> differences,
      int keptNewer,
      int notInStream) {}

  public StreamRebuild(Database live, String liveUrl, Clock clock) {
    this.live = live;
    this.liveUrl = liveUrl;
    this.clock = clock;
  }

  /**
   * @param walk a walk to the stream's end (not following)
   */
  public Report rebuild(StreamWalk walk) throws Exception {
    try (RebuildTarget target = RebuildTarget.beside(liveUrl);
        Database fresh = Database.open(target.url())) {
      StreamProjection projection = new StreamProjection(fresh, "rebuild", clock);
      projection.migrate();
      StreamProjection.Result result = projection.run(walk, () -> false);
      if (result.firstOffset() > 0) {
        throw new IllegalStateException(
            "the events stream starts at offset "
                + result.firstOffset()
                + ": retention has removed older events, and a read model rebuilt from it would"
                + " lose their orders; nothing was changed");
      }
      List<OrderState> rebuilt;
      try (Connection connection = fresh.openReadOnly()) {
        rebuilt = readModel.list(connection, new OrderFilter(null, null, null, 0));
      }
      return swap(rebuilt, result);
    }
  }

  private Report swap(List<OrderState> rebuilt, StreamProjection.Result result)
      throws SQLException {
    try (Connection connection = live.open()) {
      try {
        if (live.dialect() == Dialect.POSTGRESQL) {
          try (Statement lock = connection.createStatement()) {
            lock.execute("LOCK TABLE orders IN EXCLUSIVE MODE");
          }
        }
        Map<String, Integer> liveCounts = eventCounts(connection);
        Map<String, OrderState> held = new HashMap<>();
        for (OrderState state : readModel.list(connection, new OrderFilter(null, null, null, 0))) {
          held.put(state.orderId(), state);
        }
        List<OrderRebuild.Difference> differences = new ArrayList<>();
        int keptNewer = 0;
        for (OrderState state : rebuilt) {
          if (liveCounts.getOrDefault(state.orderId(), 0) > state.eventCount()) {
            held.remove(state.orderId());
            keptNewer++;
            continue;
          }
          OrderState before = held.remove(state.orderId());
          List<String> fields = before == null ? List.of("[missing]") : before.differences(state);
          if (!fields.isEmpty()) {
            differences.add(
                new OrderRebuild.Difference(
                    state.orderId(),
                    fields,
                    before == null ? null : before.status().name(),
                    state.status().name()));
          }
          readModel.save(connection, state);
        }
        int notInStream = held.size();
        connection.commit();
        return new Report(
            result.applied(),
            result.skipped(),
            rebuilt.size(),
            differences,
            keptNewer,
            notInStream);
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  private static Map<String, Integer> eventCounts(Connection connection) throws SQLException {
    Map<String, Integer> counts = new HashMap<>();
    try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT order_id, COUNT(*) FROM order_events GROUP BY order_id");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        counts.put(rows.getString(1), rows.getInt(2));
      }
    }
    return counts;
  }
}
