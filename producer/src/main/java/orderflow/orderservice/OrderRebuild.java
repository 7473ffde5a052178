package orderflow.orderservice;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import orderflow.store.Database;
import orderflow.store.Dialect;
import orderflow.store.Sql;
import orderflow.stream.StreamWalk;

/**
 * Rebuilds the read model and reports every order whose row differed (then replaced): from the
 * event store ({@link #rebuild}), each order in its own short transaction under its lock, so it can
 * run while the service does; or from the events stream ({@link #fromStream}).
 */
public record OrderRebuild(Database database) {
  private static final OrderFilter EVERY_ORDER = new OrderFilter(null, null, null, 0, null);
  private static final OrderEventStore STORE = new OrderEventStore();
  private static final OrderReadModel READ_MODEL = new OrderReadModel();

  /** {@code fields} is {@code [missing]} and {@code before} null when the model had no row. */
  public record Difference(String orderId, List<String> fields, String before, String after) {
    static Optional<Difference> of(OrderState held, OrderState rebuilt) {
      List<String> fields = held == null ? List.of("[missing]") : held.differences(rebuilt);
      if (fields.isEmpty()) {
        return Optional.empty();
      }
      String before = held == null ? null : held.status().name();
      return Optional.of(
          new Difference(rebuilt.orderId(), fields, before, rebuilt.status().name()));
    }
  }

  /** What a rebuild found, and its one-line summary. */
  public sealed interface Outcome permits Report, StreamReport {
    List<Difference> differences();

    String summary();
  }

  public record Report(int rebuilt, List<Difference> differences) implements Outcome {
    @Override
    public String summary() {
      return String.format(
          "rebuilt %d orders, %d differed from the read model", rebuilt, differences.size());
    }
  }

  /** {@code keptNewer}, {@code notInStream}: live rows kept (newer, or not in the stream). */
  public record StreamReport(
      long events,
      long skipped,
      int rebuilt,
      List<Difference> differences,
      int keptNewer,
      int notInStream)
      implements Outcome {
    @Override
    public String summary() {
      return String.format(
          "rebuilt %d orders from %d stream events (%d invalid skipped) and swapped them in;"
              + " %d differed from the read model, %d kept (newer than the stream's end),"
              + " %d kept (not in the stream)",
          rebuilt, events, skipped, differences.size(), keptNewer, notInStream);
    }
  }

  /** {@code orderId} null: every order in the event store. */
  public Report rebuild(String orderId) throws SQLException {
    List<String> orderIds;
    if (orderId != null) {
      orderIds = List.of(orderId);
    } else {
      try (Connection connection = database.openReadOnly()) {
        orderIds = STORE.orderIds(connection);
      }
    }
    List<Difference> differences = new ArrayList<>();
    for (String id : orderIds) {
      try (Connection connection = database.open()) {
        OrderEventStore.lock(connection, database.dialect(), id);
        List<OrderEventStore.StoredEvent> history = STORE.history(connection, id);
        if (history.isEmpty()) {
          throw new IllegalStateException("no events for order '" + id + "'");
        }
        OrderState rebuilt = OrderFold.fold(id, OrderEventStore.events(history));
        Optional<Difference> difference =
            Difference.of(READ_MODEL.find(connection, id).orElse(null), rebuilt);
        if (difference.isPresent()) {
          differences.add(difference.get());
          READ_MODEL.save(connection, rebuilt);
        }
        connection.commit();
      }
    }
    return new Report(orderIds.size(), differences);
  }

  /**
   * Projects the whole stream into a fresh SQLite file or PostgreSQL schema, then writes the rows
   * in one transaction on the live database, which serves throughout. An order whose live store has
   * more events than the stream, or that the stream lacks, keeps its row. A stream that retention
   * has cut is refused.
   *
   * @param liveUrl the JDBC URL of {@code database}
   * @param walk a walk to the stream's end (not following)
   */
  public StreamReport fromStream(String liveUrl, Clock clock, StreamWalk walk) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Path file = null;
    String schema = null;
    String url;
    if (Dialect.of(liveUrl) == Dialect.SQLITE) {
      String live = liveUrl.substring("jdbc:sqlite:".length()).replaceFirst("\\?.*$", "");
      file = Path.of(live + ".rebuild-" + suffix);
      url = "jdbc:sqlite:" + file;
    } else {
      schema = "orders_rebuild_" + suffix;
      execute(liveUrl, "CREATE SCHEMA " + schema);
      // The driver takes the last of repeated parameters.
      url = liveUrl + (liveUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
    try (Database fresh = Database.open(url)) {
      StreamProjection.Result result =
          new StreamProjection(fresh, "rebuild", clock).run(walk, () -> false);
      if (result.firstOffset() > 0) {
        throw new IllegalStateException(
            "the events stream starts at offset "
                + result.firstOffset()
                + ": retention has removed older events, and a read model rebuilt from it would"
                + " lose their orders; nothing was changed");
      }
      List<OrderState> rebuilt;
      try (Connection connection = fresh.openReadOnly()) {
        rebuilt = READ_MODEL.list(connection, EVERY_ORDER);
      }
      return swap(rebuilt, result);
    } finally {
      if (file != null) {
        for (String extra : new String[] {"", "-wal", "-shm", "-journal"}) {
          Files.deleteIfExists(Path.of(file + extra));
        }
      } else {
        execute(liveUrl, "DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }

  private static void execute(String url, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url)) {
      Sql.update(connection, sql);
    }
  }

  /** Under a lock on the live rows, so no fold of the service lands between read and write. */
  private StreamReport swap(List<OrderState> rebuilt, StreamProjection.Result result)
      throws SQLException {
    try (Connection connection = database.open()) {
      if (database.dialect() == Dialect.POSTGRESQL) {
        Sql.update(connection, "LOCK TABLE orders IN EXCLUSIVE MODE");
      }
      Map<String, Integer> liveCounts = new HashMap<>();
      Sql.query(
          connection,
          "SELECT order_id, COUNT(*) FROM order_events GROUP BY order_id",
          row -> liveCounts.put(row.getString(1), row.getInt(2)));
      Map<String, OrderState> held = new HashMap<>();
      READ_MODEL.list(connection, EVERY_ORDER).forEach(state -> held.put(state.orderId(), state));
      List<Difference> differences = new ArrayList<>();
      int keptNewer = 0;
      for (OrderState state : rebuilt) {
        OrderState before = held.remove(state.orderId());
        if (liveCounts.getOrDefault(state.orderId(), 0) > state.eventCount()) {
          keptNewer++;
        } else {
          Difference.of(before, state).ifPresent(differences::add);
          READ_MODEL.save(connection, state);
        }
      }
      connection.commit();
      return new StreamReport(
          result.applied(), result.skipped(), rebuilt.size(), differences, keptNewer, held.size());
    }
  }
}
