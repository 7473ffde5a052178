package orderflow.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
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

  /** A streaming writer for values too large to build first; leaves {@code out} open. */
  public static JsonGenerator generator(PrintWriter out) throws IOException {
    return EventCodec.mapper()
        .getFactory()
        .createGenerator(out)
        .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  }

  public static void write(JsonGenerator generator, Object value) {
    try {
      generator.writeObject(value);
      generator.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
