package orderflow.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintWriter;
import orderflow.envelope.EventCodec;

/** The one route of {@code --json} output, with the codec's mapper (decimals keep their scale). */
public final class JsonOutput {
  private JsonOutput() {}

  public static void print(PrintWriter out, Object value) {
    try {
      out.println(EventCodec.mapper().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the result as JSON", e);
    }
    out.flush();
  }
}
