package orderflow.producer;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import orderflow.cli.QueryDatabase;
import orderflow.config.BrokerOptions;
import orderflow.config.LogSafe;
import orderflow.consume.options.DatabaseOptions;
import orderflow.envelope.OrderItem;
import orderflow.envelope.ShippingAddress;
import orderflow.orderservice.OrderDetails;
import orderflow.orderservice.OrderFilter;
import orderflow.orderservice.OrderReadModel;
import orderflow.orderservice.OrderRebuild;
import orderflow.orderservice.OrderService;
import orderflow.orderservice.OrderState;
import orderflow.orderservice.OrderStatus;
import orderflow.orderservice.StreamProjection;
import orderflow.privacy.AddressCipher;
import orderflow.store.Database;
import orderflow.stream.StreamWalk;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code producer orders}: the order service's queries and read-model upkeep. */
@Command(
    name = "orders",
    description = "Query the order read model and event store of the order service ('serve').")
final class OrdersCommand {
  private static final String ROW = "%-36s %-9s %-20s %12s %-24s %s%n";

  @Spec CommandSpec spec;

  @Command(
      name = "show",
      description =
          "Show an order's state and every event of it, in causal order, with hop latencies.")
  void show(@Parameters(paramLabel = "ORDER_ID") String orderId, @Mixin QueryDatabase query)
      throws SQLException {
    // The address in clear: an operator's view.
    OrderDetails details =
        query
            .read(
                OrderService.NAME,
                "orders",
                false,
                c -> OrderDetails.find(c, orderId, AddressCipher.fromEnvironment()))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no order '" + LogSafe.escape(orderId) + "' in the order read model"));
    ProducerCommand.answer(spec, query.json, details.toJson(), out -> print(out, details));
  }

  private static void print(PrintWriter out, OrderDetails details) {
    OrderState s = details.state();
    out.printf("order     %s%n", LogSafe.escape(s.orderId()));
    out.printf("status    %s%n", s.status());
    out.printf("customer  %s%n", s.customerId() == null ? "-" : LogSafe.escape(s.customerId()));
    out.printf("total     %s%n", s.totalAmount() == null ? "-" : s.totalAmount().toPlainString());
    out.printf("trace     %s%n", details.traceId() == null ? "-" : details.traceId());
    ShippingAddress to = details.shippingAddress();
    if (to != null) {
      String lines =
          details.erased()
              ? "[erased]"
              : Stream.of(to.street(), to.postalCode(), to.city())
                  .filter(Objects::nonNull)
                  .map(LogSafe::escape)
                  .collect(Collectors.joining(", "));
      out.printf("ship to   %s%s%n", lines.isEmpty() ? "" : lines + ", ", to.country());
    }
    for (OrderItem item : s.items()) {
      String price = item.price() == null ? "-" : item.price().toPlainString();
      out.printf(
          "  item    %s x %d at %s%n", LogSafe.escape(item.productId()), item.quantity(), price);
    }
    optional(out, "rejected  %s%n", s.rejectionReason());
    optional(
        out, "shipment  %s%n", s.carrier() == null ? null : s.carrier() + " " + s.trackingNumber());
    optional(out, "cancel    %s%n", s.cancellationReason());
    optional(out, "refused   %s%n", s.cancellationRefusal());
    optional(out, "failed    %s%n", s.failureReason());
    if (s.releasedAt() != null) {
      out.printf("released  %s (stock given back)%n", s.releasedAt());
    }
    out.printf(
        "%n%-24s %-18s %10s  %-36s %s%n", "TIMESTAMP", "EVENT", "HOP MS", "EVENT ID", "SOURCE");
    for (OrderDetails.EventLine line : details.events()) {
      out.printf(
          "%-24s %-18s %10s  %-36s %s%n",
          line.event().timestamp(),
          line.event().eventType().wireName(),
          line.hopLatency() == null ? "-" : Long.toString(line.hopLatency().toMillis()),
          line.event().eventId(),
          LogSafe.escape(line.event().metadata().source()));
    }
  }

  /** A row only when there is something to say, escaped: it may come from a message. */
  private static void optional(PrintWriter out, String format, String value) {
    if (value != null) {
      out.printf(format, LogSafe.escape(value));
    }
  }

  @Command(name = "list", description = "List orders from the read model, newest first.")
  void list(
      @Option(names = "--customer", paramLabel = "C", description = "Only this customer's orders")
          String customer,
      @Option(
              names = "--status",
              paramLabel = "S",
              description = "Only orders in this status: CREATED, RESERVED, REJECTED, SHIPPED, ...")
          OrderStatus status,
      @Option(
              names = "--since",
              paramLabel = "T",
              description =
                  "Only orders whose first event is at or after T (ISO-8601, e.g."
                      + " 2026-01-31T10:00:00Z)")
          Instant since,
      @Option(
              names = "--limit",
              paramLabel = "N",
              defaultValue = "" + OrderFilter.DEFAULT_LIMIT,
              description = "At most N orders, 0 for all (default ${DEFAULT-VALUE})")
          int limit,
      @Mixin QueryDatabase query)
      throws SQLException {
    if (limit < 0) {
      throw new ParameterException(spec.commandLine(), "--limit must not be negative");
    }
    OrderFilter filter = new OrderFilter(customer, status, since, limit, null);
    List<OrderState> orders =
        query.read(OrderService.NAME, "orders", false, c -> new OrderReadModel().list(c, filter));
    ProducerCommand.answer(
        spec,
        query.json,
        orders.stream().map(OrderDetails::summaryJson).toList(),
        out -> print(out, orders));
  }

  private static void print(PrintWriter out, List<OrderState> orders) {
    if (orders.isEmpty()) {
      out.println("no orders match");
    } else {
      out.printf(ROW, "ORDER", "STATUS", "CUSTOMER", "TOTAL", "UPDATED", "DETAIL");
    }
    for (OrderState s : orders) {
      out.printf(
          ROW,
          LogSafe.escape(s.orderId()),
          s.status(),
          s.customerId() == null ? "-" : LogSafe.escape(s.customerId()),
          s.totalAmount() == null ? "-" : s.totalAmount().toPlainString(),
          s.lastEventAt(),
          LogSafe.escape(detail(s)));
    }
  }

  private static String detail(OrderState s) {
    return switch (s.status()) {
      case REJECTED -> s.rejectionReason();
      case CANCELLED -> "cancelled: " + s.cancellationReason();
      case FAILED -> "failed: " + s.failureReason();
      case SHIPPED ->
          s.carrier()
              + " "
              + s.trackingNumber()
              + (s.cancellationRefusal() == null
                  ? ""
                  : " (cancellation refused: " + s.cancellationRefusal() + ")");
      default ->
          s.cancellationReason() == null ? "" : "cancellation asked: " + s.cancellationReason();
    };
  }

  @Command(
      name = "rebuild",
      description = {
        "Rebuild the read model from the event store, of one order or of all, and report every",
        "order whose rebuilt state differs from what the read model held (it is then replaced).",
        "With --from-stream: build a fresh read model from the events stream in a new file"
            + " (SQLite)",
        "or schema (PostgreSQL) while the live one keeps serving, then swap it in in one",
        "transaction and report what differed."
      })
  void rebuild(
      @Parameters(arity = "0..1", paramLabel = "ORDER_ID", description = "Only this order")
          String orderId,
      @Option(
              names = "--from-stream",
              description = "Rebuild every order from the events stream instead of the event store")
          boolean fromStream,
      @Option(names = "--json", description = "Print one JSON object") boolean json,
      @Mixin DatabaseOptions database,
      @Mixin BrokerOptions broker, // with --from-stream only
      @Mixin TopologyOption topology)
      throws Exception {
    if (fromStream && orderId != null) {
      throw new ParameterException(
          spec.commandLine(), "--from-stream rebuilds every order: give no ORDER_ID");
    }
    String url = database.url(OrderService.NAME);
    Database.requireExisting(url);
    OrderRebuild.Outcome report;
    try (Database db = Database.open(url)) {
      db.migrate(OrderService.NAME);
      if (fromStream) {
        try (BrokerSession session =
            BrokerSession.open(spec, broker, "rebuild", topology.setup())) {
          report = new OrderRebuild(db).fromStream(url, Clock.systemUTC(), walk(session, false));
        }
      } else {
        report = new OrderRebuild(db).rebuild(orderId);
      }
    }
    ProducerCommand.answer(
        spec,
        json,
        report,
        out -> {
          out.println(report.summary());
          for (OrderRebuild.Difference d : report.differences()) {
            out.printf(
                "  %s: %s -> %s (%s)%n",
                LogSafe.escape(d.orderId()),
                d.before() == null ? "missing" : d.before(),
                d.after(),
                String.join(", ", d.fields()));
          }
        });
  }

  @Command(
      name = "project",
      description = {
        "Keep an order read model (event store and orders) in its own database from the events"
            + " stream: from where it stopped, up to where the stream ended at the start, or live"
            + " with --follow until Ctrl-C / SIGTERM.",
        "The next offset is stored with each batch's changes, so after a crash it resumes exactly"
            + " where it stopped. Query it with `orders show/list --db` on the same database."
      })
  void project(
      @Option(names = "--json", description = "Print one JSON object") boolean json,
      @Option(names = "--follow", description = "Keep applying new events until stopped")
          boolean follow,
      @Option(
              names = "--name",
              defaultValue = "orders",
              description =
                  "The projection's name, under which its offset is kept (default: orders)")
          String name,
      @Mixin DatabaseOptions database,
      @Mixin BrokerOptions broker,
      @Mixin TopologyOption topology)
      throws Exception {
    AtomicBoolean stopped = new AtomicBoolean();
    StreamProjection.Result result;
    try (SignalStop signal =
            new SignalStop(
                "producer-project-stop", () -> stopped.set(true), Duration.ofSeconds(5));
        Database db = Database.open(database.url("orders-stream"));
        BrokerSession session = BrokerSession.open(spec, broker, "project", topology.setup())) {
      signal.arm();
      result =
          new StreamProjection(db, name, Clock.systemUTC())
              .run(walk(session, follow), stopped::get);
    }
    ProducerCommand.answer(
        spec,
        json,
        result,
        out ->
            out.printf(
                "applied %d events (%d invalid skipped); next offset %d%n",
                result.applied(), result.skipped(), result.nextOffset()));
  }

  private static StreamWalk walk(BrokerSession session, boolean follow) {
    return new StreamWalk(
        session.connection(),
        session.topology().eventsStream(),
        follow,
        StreamProjection.MAX_BATCH);
  }
}
