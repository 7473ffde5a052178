package orderflow.producer;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import orderflow.broker.FailureLine;
import orderflow.cli.JsonOutput;
import orderflow.cli.OneLineErrors;
import orderflow.cli.QueryDatabase;
import orderflow.consume.options.DatabaseOptions;
import orderflow.orderservice.OrderService;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What the {@code orders} queries share: {@code --db}, {@code --json}, {@code --verbose}, and a
 * failure as one line on stderr with exit 1, alike from {@link Main} and in-process.
 */
abstract class OrdersQuery implements Callable<Integer> {
  @Mixin DatabaseOptions database;

  @Option(names = "--json", description = "Print one JSON value instead of a table")
  boolean json;

  @Option(names = "--verbose", description = "Print stack traces with errors")
  boolean verbose;

  @Spec CommandSpec spec;

  abstract int execute() throws Exception;

  @Override
  public final Integer call() {
    try {
      return execute();
    } catch (ParameterException e) {
      throw e;
    } catch (Exception e) {
      return OneLineErrors.report(
          spec.commandLine().getErr(), Main.PROGRAM, FailureLine.describe(e), e, verbose);
    }
  }

  /** Reads on a read-only connection: never waits for the service's writes, changes nothing. */
  <T> T read(QueryDatabase.Reading<T> reading) throws SQLException {
    return QueryDatabase.read(
        database.url(OrderService.NAME), OrderService.NAME, "orders", false, reading);
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  void printJson(Object value) {
    JsonOutput.print(out(), value);
  }
}
