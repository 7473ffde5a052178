package orderflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
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
}
