package orderflow.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import orderflow.envelope.EventCodec;

/**
 * The one route of {@code --json} output: exactly one JSON value on stdout, written with the
 * codec's mapper ({@link EventCodec#mapper()}), so decimals keep their scale and instants are
 * ISO-8601 wherever they are printed.
 */
public final class JsonOutput {
  private JsonOutput() {}

  /** Prints {@code value} as one JSON value on one line and flushes. */
  public static void print(PrintWriter out, Object value) {
    try {
      out.println(EventCodec.mapper().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the result as JSON", e);
    }
    out.flush();
  }

  /**
   * A streaming JSON writer on {@code out}, for values too large to build first; leaves it open.
   */
  public static JsonGenerator generator(PrintWriter out) throws IOException {
    return EventCodec.mapper()
        .getFactory()
        .createGenerator(out)
        .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  }

  /** Writes {@code value} to {@code generator} and flushes it. */
  public static void write(JsonGenerator generator, Object value) {
    try {
      generator.writeObject(value);
      generator.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
