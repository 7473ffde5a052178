package orderflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonOutputTest {
  @Test
  void printsOneValueOnOneLineKeepingTheDecimalScale() {
    StringWriter out = new StringWriter();
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("id", "a");
    value.put("price", new BigDecimal("10.00"));

    JsonOutput.print(new PrintWriter(out), value);

    assertEquals("{\"id\":\"a\",\"price\":10.00}" + System.lineSeparator(), out.toString());
  }

  @Test
  void streamsAnArrayAndLeavesTheWriterOpen() throws Exception {
    StringWriter out = new StringWriter();
    PrintWriter writer = new PrintWriter(out);

    try (JsonGenerator array = JsonOutput.generator(writer)) {
      array.writeStartArray();
      for (Object item : List.of(1, "two")) {
        JsonOutput.write(array, item);
      }
      array.writeEndArray();
    }
    writer.println();
    writer.flush();

    assertEquals("[1,\"two\"]" + System.lineSeparator(), out.toString());
  }
}
