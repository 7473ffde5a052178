package orderflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class OneLineErrorsTest {
  @Test
  void reportsOneLinePrefixedByTheProgramWithThePasswordRedacted() {
    StringWriter err = new StringWriter();

    int code =
        OneLineErrors.report(
            new PrintWriter(err),
            "tool",
            "cannot reach amqp://alice:s3cret@host:5672/%2F\n  connection refused",
            new IllegalStateException("boom"),
            false);

    assertEquals(OneLineErrors.FAILURE, code);
    assertEquals(
        "tool: cannot reach amqp://alice:****@host:5672/%2F connection refused",
        err.toString().strip());
    assertFalse(err.toString().contains("s3cret"));
  }

  @Test
  void printsTheStackTraceOnlyWhenVerbose() {
    StringWriter err = new StringWriter();

    OneLineErrors.report(new PrintWriter(err), "tool", "failed", new IllegalStateException(), true);

    assertTrue(err.toString().startsWith("tool: failed"), err.toString());
    assertTrue(err.toString().contains("IllegalStateException"), err.toString());
  }

  @Test
  void aLineWithoutCauseHasNoStackTraceEvenWhenVerbose() {
    StringWriter err = new StringWriter();

    OneLineErrors.report(new PrintWriter(err), "tool", "3 orders were not confirmed", null, true);

    assertEquals("tool: 3 orders were not confirmed", err.toString().strip());
  }
}
