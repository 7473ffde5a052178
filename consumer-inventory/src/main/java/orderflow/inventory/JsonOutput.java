package orderflow.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintWriter;
import orderflow.envelope.EventCodec;

/** Prints a command's result as exactly one JSON value on one line. */
final class JsonOutput {
  private JsonOutput() {}

  static void print(PrintWriter out, Object value) {
    try {
      out.println(EventCodec.mapper().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the result as JSON", e);
    }
    out.flush();
  }
}
