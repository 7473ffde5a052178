package orderflow.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;

/**
 * A message with one thing wrong: a valid event's JSON with one value replaced or removed, named by
 * what is wrong.
 */
record BadMessage(String name, byte[] body) {
  private static final EventCodec CODEC = new EventCodec();

  @Override
  public String toString() {
    return name;
  }

  static JsonNode encoded(EventEnvelope event) {
    try {
      return EventCodec.mapper().readTree(CODEC.encode(event));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code base} with the value at {@code pointer} (its parent must exist) set to {@code json}. */
  static BadMessage replaced(String name, JsonNode base, String pointer, String json) {
    JsonNode copy = base.deepCopy();
    int slash = pointer.lastIndexOf('/');
    JsonNode parent = copy.at(pointer.substring(0, slash));
    String last = pointer.substring(slash + 1);
    JsonNode value = json == null ? null : parseValue(json);
    if (parent instanceof ArrayNode array) {
      int index = Integer.parseInt(last);
      if (value == null) {
        array.remove(index);
      } else {
        array.set(index, value);
      }
    } else if (value == null) {
      ((ObjectNode) parent).remove(last);
    } else {
      ((ObjectNode) parent).set(last, value);
    }
    return new BadMessage(name, bytes(copy));
  }

  static BadMessage removed(String name, JsonNode base, String pointer) {
    return replaced(name, base, pointer, null);
  }

  static BadMessage raw(String name, String body) {
    return new BadMessage(name, body.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode parseValue(String json) {
    try {
      return EventCodec.mapper().readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(JsonNode json) {
    try {
      return EventCodec.mapper().writeValueAsBytes(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
