package orderflow.orderservice;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import orderflow.store.Database;
import orderflow.store.Dialect;
import orderflow.stream.StreamWalk;

/**
 * Rebuilds the read model and reports every order whose row differed (then replaced): from the
 * event store ({@link #rebuild}), each order in its own short transaction under its lock, so it can
 * run while the service does; or from the events stream ({@link #fromStream}).
 */
public final class OrderRebuild {
  private static final Pattern CURRENT_SCHEMA = Pattern.compile("([?&])currentSchema=[^&]*");
  private static final OrderFilter EVERY_ORDER = new OrderFilter(null, null, null, 0);

  private final OrderEventStore store = new OrderEventStore();
  private final OrderReadModel readModel = new OrderReadModel();
  private final Database database;

  public OrderRebuild(Database database) {
    this.database = database;
  }

  /**
   * One order whose read-model row did not match its events.
   *
   * @param fields the differing fields; {@code [missing]} when the read model had no row
   * @param before the read model's status, null when it had no row
   */
  public record Difference(String orderId, List<String> fields, String before, String after) {
    static Optional<Difference> of(OrderState held, OrderState rebuilt) {
      List<String> fields = held == null ? List.of("[missing]") : held.differences(rebuilt);
      return fields.isEmpty()
          ? Optional.empty()
          : Optional.of(
              new Difference(
                  rebuilt.orderId(),
                  fields,
                  held == null ? null : held.status().name(),
                  rebuilt.status().name()));
    }
  }

  public record Report(int rebuilt, List<Difference> differences) {}

  /**
   * What a rebuild from the stream did.
   *
   * @param events stream messages applied (valid events, repeats included)
   * @param skipped stream messages that were not valid events
   * @param keptNewer orders whose live row had seen more events, kept
   * @param notInStream live orders the stream has no event of, kept
   */
  public record StreamReport(
      long events,
      long skipped,
      int rebuilt,
      List<Difference> differences,
      int keptNewer,
      int notInStream) {}

  /**
   * @param orderId one order, or null for every order in the event store
   * @throws IllegalStateException when {@code orderId} has no event
   */
  public Report rebuild(String orderId) throws SQLException {
    List<String> orderIds;
    if (orderId != null) {
      orderIds = List.of(orderId);
    } else {
      try (Connection connection = database.openReadOnly()) {
        orderIds = store.orderIds(connection);
      }
    }
    List<Difference> differences = new ArrayList<>();
    for (String id : orderIds) {
      rebuildOne(id).ifPresent(differences::add);
    }
    return new Report(orderIds.size(), differences);
  }

  private Optional<Difference> rebuildOne(String orderId) throws SQLException {
    try (Connection connection = database.open()) {
      try {
        OrderEventStore.lock(connection, database.dialect(), orderId);
        List<OrderEventStore.StoredEvent> history = store.history(connection, orderId);
        if (history.isEmpty()) {
          throw new IllegalStateException("no events for order '" + orderId + "'");
        }
        OrderState rebuilt = OrderFold.fold(orderId, OrderEventStore.events(history));
        Optional<Difference> difference =
            Difference.of(readModel.find(connection, orderId).orElse(null), rebuilt);
        if (difference.isPresent()) {
          readModel.save(connection, rebuilt);
        }
        connection.commit();
        return difference;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  /**
   * Projects the stream from its first offset to its end ({@link StreamProjection}) into a fresh
   * SQLite file beside the live one or a new PostgreSQL schema, then writes every rebuilt row in
   * one transaction on the live database, which serves throughout (PostgreSQL: {@code LOCK TABLE
   * orders IN EXCLUSIVE MODE}, readers go on). An order whose live event store holds more events
   * than the stream had (it moved on meanwhile) keeps its row, as does one the stream lacks. A
   * stream whose retention removed its first events is refused: the rebuild would lose orders.
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
      Matcher existing = CURRENT_SCHEMA.matcher(liveUrl);
      url =
          existing.find()
              ? existing.replaceFirst("$1currentSchema=" + schema)
              : liveUrl + (liveUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
    try (Database fresh = Database.open(url)) {
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
        rebuilt = readModel.list(connection, EVERY_ORDER);
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
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private StreamReport swap(List<OrderState> rebuilt, StreamProjection.Result result)
      throws SQLException {
    try (Connection connection = database.open()) {
      try {
        if (database.dialect() == Dialect.POSTGRESQL) {
          try (Statement lock = connection.createStatement()) {
            lock.execute("LOCK TABLE orders IN EXCLUSIVE MODE");
          }
        }
        Map<String, Integer> liveCounts = new HashMap<>();
        try (PreparedStatement select =
                connection.prepareStatement(
                    "SELECT order_id, COUNT(*) FROM order_events GROUP BY order_id");
            ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            liveCounts.put(rows.getString(1), rows.getInt(2));
          }
        }
        Map<String, OrderState> held = new HashMap<>();
        readModel.list(connection, EVERY_ORDER).forEach(state -> held.put(state.orderId(), state));
        List<Difference> differences = new ArrayList<>();
        int keptNewer = 0;
        for (OrderState state : rebuilt) {
          OrderState before = held.remove(state.orderId());
          if (liveCounts.getOrDefault(state.orderId(), 0) > state.eventCount()) {
            keptNewer++;
            continue;
          }
          Difference.of(before, state).ifPresent(differences::add);
          readModel.save(connection, state);
        }
        connection.commit();
        return new StreamReport(
            result.applied(),
            result.skipped(),
            rebuilt.size(),
            differences,
            keptNewer,
            held.size());
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }
}
