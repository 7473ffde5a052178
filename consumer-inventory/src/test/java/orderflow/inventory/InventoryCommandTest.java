package orderflow.inventory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import orderflow.cli.ConsumerCommand;
import orderflow.cli.DefaultSubcommand;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.OrderCreated;
import orderflow.testing.RecordingContext;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line without a broker: query and admin commands on a SQLite file, exit codes. */
class InventoryCommandTest {
  @TempDir Path directory;
  private String db;

  /** What one invocation printed and returned. */
  record Result(int exitCode, String out, String err) {
    JsonNode json() throws Exception {
      return EventCodec.mapper().readTree(out);
    }
  }

  @BeforeEach
  void database() {
    db = TestDatabases.sqlite(directory);
  }

  @Test
  void stockOfAFreshDatabaseIsAnEmptyJsonArray() throws Exception {
    new TestInventoryDatabase(db).close();

    Result result = execute("stock", "--db", db, "--json");

    assertEquals(0, result.exitCode(), result.err());
    assertTrue(result.json().isArray());
    assertEquals(0, result.json().size());
  }

  @Test
  void stockSetRecordsAnAdjustmentThatHistoryShowsAndRebuilds() throws Exception {
    Result first = execute("stock", "set", "apple", "40", "--db", db, "--json");
    Result second =
        execute("stock", "set", "apple", "25", "--reason", "recount", "--db", db, "--json");

    assertEquals(0, first.exitCode(), first.err());
    assertEquals(40, first.json().get("delta").asInt());
    assertEquals(40, second.json().get("previous").asInt());
    assertEquals(25, second.json().get("available").asInt());
    assertEquals(-15, second.json().get("delta").asInt());

    JsonNode history = execute("history", "apple", "--db", db, "--json").json();
    assertEquals(2, history.get("movements").size());
    JsonNode recount = history.get("movements").get(1);
    assertEquals("adjustment", recount.get("kind").asText());
    assertEquals(-15, recount.get("delta").asInt());
    assertEquals("recount", recount.get("reason").asText());
    assertEquals(25, history.get("ledger").get("available").asInt());
    assertEquals(25, history.get("readModel").get("available").asInt());
    assertTrue(history.get("consistent").asBoolean());
  }

  @Test
  void stockAndHistoryShowReservationsMadeByTheService() throws Exception {
    execute("stock", "set", "pear", "10", "--db", db);
    reserve(
        OrderCreated.of(
            "order-1", "customer", java.util.List.of(ReserveInventoryContract.item("pear", 3))));

    JsonNode stock = execute("stock", "pear", "--db", db, "--json").json();
    assertEquals(7, stock.get("available").asInt());
    assertEquals(3, stock.get("reserved").asInt());
    JsonNode history = execute("history", "pear", "--db", db, "--json").json();
    assertEquals("reservation", history.get("movements").get(1).get("kind").asText());
    assertEquals("order-1", history.get("movements").get(1).get("orderId").asText());
    assertEquals(3, history.get("ledger").get("reserved").asInt());
    assertTrue(history.get("consistent").asBoolean());

    Result table = execute("history", "pear", "--db", db);
    assertTrue(table.out().contains("read model: available 7, reserved 3 (consistent)"));
  }

  @Test
  void readingAMissingSqliteFileIsOneLineNamingItAndCreatesNothing() {
    Path missing = directory.resolve("typo.db");

    for (String[] command : new String[][] {{"stock"}, {"stock", "apple"}, {"history", "apple"}}) {
      String[] args = Arrays.copyOf(command, command.length + 2);
      args[command.length] = "--db";
      args[command.length + 1] = "jdbc:sqlite:" + missing;
      Result result = execute(args);

      assertEquals(1, result.exitCode(), String.join(" ", command));
      assertEquals(1, result.err().strip().lines().count(), result.err());
      assertTrue(result.err().contains("no database at " + missing), result.err());
    }
    assertFalse(Files.exists(missing));
  }

  @Test
  void stockSetCreatesTheDatabaseSoStockCanBeSetBeforeTheServiceFirstRuns() throws Exception {
    Path fresh = directory.resolve("fresh.db");

    Result result = execute("stock", "set", "apple", "5", "--db", "jdbc:sqlite:" + fresh);

    assertEquals(0, result.exitCode(), result.err());
    assertTrue(Files.isRegularFile(fresh));
  }

  @Test
  void anUnknownProductIsOneLineOnStderrAndExitCodeOne() throws Exception {
    new TestInventoryDatabase(db).close();

    Result result = execute("stock", "nothing-here", "--db", db, "--json");

    assertEquals(1, result.exitCode());
    assertEquals("", result.out());
    assertEquals(1, result.err().strip().lines().count(), result.err());
    assertTrue(result.err().contains("nothing-here"));
  }

  @Test
  void stockAndHistoryShowHostileRowsEscapedOnOneLineEach() throws Exception {
    // Rows a consumer applied before the envelope had limits: the commands must not replay them.
    String product = "evil\u001b[2J\nforged";
    try (TestInventoryDatabase database = new TestInventoryDatabase(db);
        Connection connection = database.open()) {
      new StockLedger(connection).adjust(product, 5, "recount\u009b31m\r", 1_000L);
      connection.commit();
    }

    Result stock = execute("stock", "--db", db);
    Result history = execute("history", product, "--db", db);

    assertEquals(0, stock.exitCode(), stock.err());
    assertTrue(stock.out().contains("evil\\u001b[2J\\nforged"), stock.out());
    assertEquals(0, history.exitCode(), history.err());
    assertTrue(history.out().contains("recount\\u009b31m\\r"), history.out());
    for (String printed : new String[] {stock.out(), history.out()}) {
      assertTrue(
          printed.chars().noneMatch(c -> (c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f)),
          printed);
    }
    assertEquals(2, stock.out().strip().lines().count(), stock.out());
  }

  @Test
  void anUnknownProductWithAnEscapeIsEchoedEscaped() throws Exception {
    new TestInventoryDatabase(db).close();

    Result result = execute("stock", "x\u001b[2J", "--db", db);

    assertEquals(1, result.exitCode());
    assertTrue(result.err().contains("x\\u001b[2J"), result.err());
  }

  @Test
  void stockSetRefusesAProductNoOrderCouldName() {
    Result escape = execute("stock", "set", "sku\u001b[2J", "5", "--db", db);
    Result tooLong = execute("stock", "set", "p".repeat(129), "5", "--db", db);

    assertEquals(2, escape.exitCode(), escape.err());
    assertTrue(
        escape.err().contains("PRODUCT: productId must not contain control characters"),
        escape.err());
    assertTrue(escape.err().chars().noneMatch(c -> c == 0x1b), escape.err());
    assertEquals(2, tooLong.exitCode(), tooLong.err());
    assertTrue(tooLong.err().contains("at most 128 characters"), tooLong.err());
  }

  @Test
  void aNegativeQuantityIsAUsageError() {
    assertEquals(2, execute("stock", "set", "apple", "-3", "--db", db).exitCode());
    assertEquals(2, execute("stock", "set", "apple", "many", "--db", db).exitCode());
  }

  @Test
  void badRunOptionsAreUsageErrors() {
    assertEquals(2, execute("run", "--prefetch", "0", "--db", db).exitCode());
    assertEquals(2, execute("run", "--default-stock", "-1", "--db", db).exitCode());
    assertEquals(2, execute("run", "--no-such-option").exitCode());
    assertEquals(2, execute("run", "--http-bind", "no-such-host.invalid", "--db", db).exitCode());
  }

  @Test
  void anUnreachableBrokerIsOneLineNamingHostAndPortWithoutThePassword() {
    Result result = execute("run", "--uri", "amqp://guest:s3cret@127.0.0.1:1/%2F", "--db", db);

    assertEquals(1, result.exitCode());
    assertTrue(result.err().contains("127.0.0.1:1"), result.err());
    assertFalse(result.err().contains("s3cret"), result.err());
    assertEquals(1, result.err().strip().lines().count(), result.err());
  }

  @Test
  void aRawOddPasswordOrABadPortIsAUsageErrorThatNeverShowsThePassword() {
    for (String uri :
        new String[] {
          "amqp://guest:S3cr:et@127.0.0.1:1/%2F",
          "amqp://guest:S3cr@ët@127.0.0.1:1/%2F",
          "amqp://guest:S3cr/et@127.0.0.1:1/%2F",
          "amqp://guest:S3cret@127.0.0.1:70000/%2F"
        }) {
      Result result = execute("run", "--verbose", "--uri", uri, "--db", db);

      assertEquals(2, result.exitCode(), result.err());
      assertFalse((result.out() + result.err()).contains("S3cr"), result.err());
    }
  }

  @Test
  void aPercentEncodedOddPasswordReachesTheConnectionAndIsNotShown() {
    Result result = execute("run", "--uri", "amqp://guest:S3cr%3A%40%25%2F%C3%ABt@127.0.0.1:1/%2F");

    assertEquals(1, result.exitCode(), result.err());
    assertTrue(result.err().contains("127.0.0.1:1"), result.err());
    assertFalse(result.err().contains("S3cr"), result.err());
  }

  @Test
  void helpAndVersionExitZero() {
    Result help = execute("--help");
    assertEquals(0, help.exitCode());
    assertTrue(help.out().contains("stock"));
    assertTrue(help.out().contains("history"));
    assertEquals(0, execute("--version").exitCode());
    assertEquals(0, execute("run", "--help").exitCode());
  }

  @Test
  void runIsTheDefaultSubcommand() {
    assertArrayEquals(
        new String[] {"run"}, DefaultSubcommand.prepend(ConsumerCommand.RUN, new String[0]));
    assertArrayEquals(
        new String[] {"run", "--db", "x"},
        DefaultSubcommand.prepend(ConsumerCommand.RUN, new String[] {"--db", "x"}));
    assertArrayEquals(
        new String[] {"--help"},
        DefaultSubcommand.prepend(ConsumerCommand.RUN, new String[] {"--help"}));
    assertArrayEquals(
        new String[] {"stock", "--json"},
        DefaultSubcommand.prepend(ConsumerCommand.RUN, new String[] {"stock", "--json"}));
  }

  private void reserve(OrderCreated order) throws Exception {
    try (TestInventoryDatabase database = new TestInventoryDatabase(db);
        Connection connection = database.open()) {
      new InventoryHandler(100)
          .handle(EventEnvelope.first(order, "producer"), new RecordingContext(connection));
      connection.commit();
    }
  }

  private static Result execute(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = InventoryCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(DefaultSubcommand.prepend(ConsumerCommand.RUN, args));
    return new Result(exitCode, out.toString(), err.toString());
  }
}
