package orderflow.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** An unknown command is a usage error in every program, even followed by --help. */
class UnknownCommandTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "orderflow/producer",
        "orderflow/consumer-inventory",
        "orderflow/consumer-shipping"
      })
  void anUnknownCommandFollowedByHelpExits2AndSaysSo(String image) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = ProgramCommandLines.program(image).get();
    commandLine.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

    int exit = commandLine.execute("nosuch", "--help");

    assertEquals(2, exit, err.toString());
    assertTrue(err.toString().contains("Unknown command: 'nosuch'"), err.toString());
    assertEquals("", out.toString(), "no help printed as if it had succeeded");
  }

  @ParameterizedTest
  @CsvSource({"orderflow/producer,topology", "orderflow/consumer-inventory,dlq"})
  void anUnknownSubcommandOfAGroupExits2(String image, String group) {
    StringWriter err = new StringWriter();
    CommandLine commandLine = ProgramCommandLines.program(image).get();
    commandLine.setErr(new PrintWriter(err));

    assertEquals(2, commandLine.execute(group, "nosuch", "--help"), err.toString());
    assertTrue(err.toString().contains("Unknown command: 'nosuch'"), err.toString());
  }
}
